// What a RunResult becomes in MLflow (params, tags, metrics) and its split into log-batch calls.
import fc from 'fast-check';
import { METRIC_NAMES, runDetails } from '../../../analysis/metrics';
import {
  flattenConfig,
  LOG_BATCH_LIMITS,
  runRecord,
  TAG,
  toBatches,
} from '../../../components/tracking/batches';
import { simulate } from '../../helpers/sim';

const { run } = simulate({
  scheduler: 'slurm',
  profile: { name: 'small', nodes: 2, vcpus: 4 },
  workload: 'cpu_intensive',
  repetition: 2,
  stack: 'trk-unit',
  jobs: Array.from({ length: 10 }, (_, i) => ({ submit: i, cpus: 1 + (i % 3), duration: 20 + i })),
  policy: 'backfill',
  dispatchDelay: 1,
});
const details = runDetails(run);
const config = {
  scheduler: 'slurm',
  profiles: { small: { nodes: 2, vcpus: 4, memoryGiB: 8 } },
  workloads: ['cpu_intensive', 'mixed'],
  backend: { type: 'libvirt', uris: ['qemu:///system'] },
  hosts: [{ name: 'a' }, { name: 'b' }],
  tracking: { mlflow: { uri: 'http://secret@host' }, experiment: 'x' },
};
const record = runRecord({ run, details, config, contentSha256: 'ab'.repeat(32) });
const value = (list: { key: string; value: string }[], key: string) => list.find((p) => p.key === key)?.value;

describe('flattenConfig', () => {
  it('flattens nested objects to dotted keys, keeps plain arrays as one JSON value, indexes arrays of objects', () => {
    expect(flattenConfig(config, ['tracking'])).toEqual([
      { key: 'backend.type', value: 'libvirt' },
      { key: 'backend.uris', value: '["qemu:///system"]' },
      { key: 'hosts[0].name', value: 'a' },
      { key: 'hosts[1].name', value: 'b' },
      { key: 'profiles.small.memoryGiB', value: '8' },
      { key: 'profiles.small.nodes', value: '2' },
      { key: 'profiles.small.vcpus', value: '4' },
      { key: 'scheduler', value: 'slurm' },
      { key: 'workloads', value: '["cpu_intensive","mixed"]' },
    ]);
  });
});

describe('runRecord', () => {
  it('params: the flattened config (tracking left out), scheduler, profile, workload, repetition', () => {
    expect(value(record.params, 'config.profiles.small.vcpus')).toBe('4');
    expect(record.params.some((p) => p.key.startsWith('config.tracking'))).toBe(false);
    expect(value(record.params, 'scheduler')).toBe('slurm');
    expect(value(record.params, 'profile')).toBe('small');
    expect(value(record.params, 'workload')).toBe('cpu_intensive');
    expect(value(record.params, 'repetition')).toBe('2');
  });

  it('tags: run key, run id, config hash, status, provenance', () => {
    expect(value(record.tags, TAG.runKey)).toBe(details.metrics.key);
    expect(value(record.tags, TAG.runId)).toBe(run.runId);
    expect(value(record.tags, TAG.configHash)).toBe(run.configHash);
    expect(value(record.tags, TAG.status)).toBe('ok');
    expect(value(record.tags, 'provenance.kernel')).toBe(run.provenance.kernel);
    expect(record.status).toBe('FINISHED');
  });

  it('metrics: every non-null figure of `schedbench metrics`, at step 0', () => {
    const summary = record.metrics.filter((m) => m.step === 0 && !m.key.includes('.'));
    const expected = METRIC_NAMES.filter((m) => typeof details.metrics[m] === 'number');
    expect(summary.map((m) => m.key).sort()).toEqual([...expected].sort());
    for (const m of summary) expect(m.value).toBe(details.metrics[m.key as (typeof METRIC_NAMES)[number]]);
  });

  it('node and scheduler samples as step series, one step per sample, at the sample time', () => {
    const n1 = record.metrics.filter((m) => m.key === 'node.n1.cpuBusy');
    const samples = run.nodeSamples.filter((s) => s.node === 'n1');
    expect(n1.map((m) => m.step)).toEqual(samples.map((_, i) => i));
    expect(n1.map((m) => m.timestamp)).toEqual(samples.map((s) => Date.parse(s.time)));
    expect(record.metrics.filter((m) => m.key === 'scheduler.pending')).toHaveLength(
      run.schedulerSamples.length,
    );
  });

  it('a failed run is a FAILED MLflow run', () => {
    expect(runRecord({ run: { ...run, status: 'failed' }, details, contentSha256: '' }).status).toBe(
      'FAILED',
    );
  });
});

describe('toBatches', () => {
  const kv = (prefix: string) => (i: number) => ({ key: `${prefix}${i}`, value: String(i) });
  it('respects MLflow limits and sends every item exactly once, in order', () => {
    fc.assert(
      fc.property(fc.nat(2600), fc.nat(260), fc.nat(260), (nm, np, nt) => {
        const items = {
          metrics: Array.from({ length: nm }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 0, step: 0 })),
          params: Array.from({ length: np }, (_, i) => kv('p')(i)),
          tags: Array.from({ length: nt }, (_, i) => kv('t')(i)),
        };
        const batches = toBatches(items);
        for (const b of batches) {
          expect(b.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
          expect(b.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
          expect(b.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
          expect(b.metrics.length + b.params.length + b.tags.length).toBeLessThanOrEqual(
            LOG_BATCH_LIMITS.total,
          );
          expect(b.metrics.length + b.params.length + b.tags.length).toBeGreaterThan(0);
        }
        expect(batches.flatMap((b) => b.metrics)).toEqual(items.metrics);
        expect(batches.flatMap((b) => b.params)).toEqual(items.params);
        expect(batches.flatMap((b) => b.tags)).toEqual(items.tags);
      }),
      { numRuns: 60 },
    );
  });

  it('a real run fits in a few calls', () => {
    const batches = toBatches(record);
    expect(batches.length).toBe(
      Math.max(1, Math.ceil((record.metrics.length + record.params.length + record.tags.length) / 1000)),
    );
  });
});
