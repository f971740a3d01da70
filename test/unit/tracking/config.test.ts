// The `schedbench:tracking` key: off when absent, defaults applied, a bad URI named with its key and what is allowed.
import { parseConfig } from '../../../components/config/parse';

const base = {
  'schedbench:scheduler': 'slurm',
  'schedbench:profile': 'small',
  'schedbench:backend': { type: 'netns' },
};

describe('schedbench:tracking', () => {
  it('is off by default', () => {
    const r = parseConfig(base, 'local');
    expect(r.ok && r.config.tracking).toBeUndefined();
  });

  it('takes an MLflow URI; the experiment defaults to schedbench', () => {
    const r = parseConfig(
      { ...base, 'schedbench:tracking': { mlflow: { uri: 'https://mlflow.example.org' } } },
      'local',
    );
    expect(r.ok && r.config.tracking).toEqual({
      mlflow: { uri: 'https://mlflow.example.org' },
      experiment: 'schedbench',
    });
  });

  it('rejects a URI that is not http(s), naming the key, the value and what is allowed', () => {
    const r = parseConfig(
      { ...base, 'schedbench:tracking': { mlflow: { uri: 'file:///tmp/mlruns' } } },
      'local',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({
        key: 'schedbench:tracking.mlflow.uri',
        value: '"file:///tmp/mlruns"',
        message: expect.stringMatching(/http:\/\/ or https:\/\//),
      }),
    ]);
  });

  it('rejects unknown keys under tracking', () => {
    const r = parseConfig(
      { ...base, 'schedbench:tracking': { mlflow: { uri: 'http://h:5000' }, experimnt: 'x' } },
      'local',
    );
    expect(!r.ok && r.errors.map((e) => e.key)).toEqual(['schedbench:tracking.experimnt']);
  });
});
