// The runner's secrets stay with the runner (#29, low): a local command — and so what it starts, such as a netns
// node's sshd and the daemons under it — inherits neither PULUMI_CONFIG_PASSPHRASE nor MLflow's credentials,
// unless it names them (the tracking commands).
import { localEnvironment, runLocal } from '../../../cli/runner/exec';
import { INHERITED_SECRETS } from '../../../components/tracking/component';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('the environment of a local command', () => {
  const runner = {
    PATH: '/usr/bin:/bin',
    PULUMI_CONFIG_PASSPHRASE: 'sec-passphrase',
    PULUMI_CONFIG_PASSPHRASE_FILE: '/root/.schedbench/keys/engine.passphrase',
    MLFLOW_TRACKING_TOKEN: 'sec-token',
    MLFLOW_TRACKING_PASSWORD: 'sec-password',
    GITHUB_TOKEN: 'sec-gh',
    AWS_SECRET_ACCESS_KEY: 'sec-aws',
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000',
    TOKENIZER: 'kept',
  };

  it('holds none of the runner’s secrets; the step’s own environment is passed as is', () => {
    const env = localEnvironment({ environment: { NODE: 'n1' } }, runner);
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000',
      TOKENIZER: 'kept',
      NODE: 'n1',
    });
  });

  it('the tracking commands alone get MLflow’s credentials, never the passphrase', () => {
    const env = localEnvironment({ environment: { ...INHERITED_SECRETS } }, runner);
    expect(env.MLFLOW_TRACKING_TOKEN).toBe('sec-token');
    expect(env.MLFLOW_TRACKING_PASSWORD).toBe('sec-password');
    expect(env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
    expect(env.GITHUB_TOKEN).toBeUndefined();
  });

  it('a command the runner starts does not see them', async () => {
    process.env.PULUMI_CONFIG_PASSPHRASE = 'sec-passphrase';
    process.env.MLFLOW_TRACKING_TOKEN = 'sec-token';
    const result = await runLocal({
      command: 'echo "${PULUMI_CONFIG_PASSPHRASE-unset} ${MLFLOW_TRACKING_TOKEN-unset} $NODE"',
      environment: { NODE: 'n1' },
    });
    expect(result.stdout.trim()).toBe('unset unset n1');
  });
});
