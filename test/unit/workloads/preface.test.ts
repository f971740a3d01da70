// What a workload offers its profile, said before it runs: jobs, arrival span, offered load (a queue test above 1)
// and, for a replay, the log window and which jobs the metrics count.
import { parseSwf } from '../../../workloads/trace/swf';
import { replayTrace, TraceReplay } from '../../../workloads/trace/replay';
import { expandDefinition, type Expansion } from '../../../workloads/expand';
import { WorkloadDefinition } from '../../../workloads/definition';
import { formatScale, workloadPreface } from '../../../workloads/preface';
import { PRESETS } from '../../../workloads/presets';

const pair = { nodes: 2, vcpus: 2, memoryGiB: 2 };

describe('workloadPreface', () => {
  it('says the jobs, the arrival span and the offered load of job groups', () => {
    const e = expandDefinition(WorkloadDefinition.parse(PRESETS.steady), pair, 'pair', 1);
    const jobs = e.groups.reduce((n, g) => n + g.spec.count, 0);
    expect(workloadPreface('steady', e, 'pair')).toMatch(
      new RegExp(
        `^workload steady on profile pair: ${jobs} jobs arriving over \\d+(\\.\\d)? s, offered load 0\\.\\d\\d$`,
      ),
    );
  });

  it('says "all at once" when every job arrives together', () => {
    const e = expandDefinition(WorkloadDefinition.parse(PRESETS.cpu_intensive), pair, 'pair', 1);
    expect(workloadPreface('cpu_intensive', e, 'pair')).toMatch(/: \d+ jobs, all at once$/);
  });

  it('names a replay’s log, window, scale, what was dropped and which jobs are measured', () => {
    const log = [
      '; MaxProcs: 4',
      '7 0 -1 600 1 -1 -1 1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1',
      '8 600 -1 600 8 -1 -1 8 -1 -1 1 -1 -1 -1 -1 -1 -1 -1',
      '9 1200 -1 600 4 -1 -1 4 -1 -1 1 -1 -1 -1 -1 -1 -1 -1',
      '12 1800 -1 600 2 -1 -1 2 -1 -1 1 -1 -1 -1 -1 -1 -1 -1',
    ].join('\n');
    const replay = TraceReplay.parse({ file: 'log.swf', scale: '1/60', wider: 'drop', cooldownJobs: 1 });
    const r = replayTrace(parseSwf(log), replay, pair);
    const e: Expansion = {
      groups: r.specs,
      seed: null,
      offeredLoad: 1.5,
      arrivalSpanSeconds: 30,
      replay: {
        file: 'log.swf',
        scale: replay.scale,
        machineProcessors: r.machineProcessors,
        droppedWider: r.dropped.wider,
        warmupJobs: 0,
        cooldownJobs: 1,
        sha256: '0'.repeat(64),
        firstJob: r.firstJob,
        lastJob: r.lastJob,
        logJobs: r.logJobs,
      },
    };
    expect(workloadPreface('log', e, 'pair')).toBe(
      'workload log on profile pair: 3 jobs of log.swf (log jobs 7–12, scale 1/60, 1 dropped as wider than the ' +
        "log's machine) arriving over 30 s, offered load 1.50 (above 1: a queue builds up, a queue test); " +
        'metrics over 2 of them (the first 0 and the last 1 left out)',
    );
  });

  it('writes a scale as the fraction it was given, else the number to 4 digits and the fraction nearest it', () => {
    expect(formatScale(1 / 600)).toBe('1/600');
    expect(formatScale(1)).toBe('1');
    expect(formatScale(0.3)).toBe('0.3 ≈ 1/3');
    expect(formatScale(0.0007912018355882586)).toBe('0.0007912 ≈ 1/1264');
    expect(formatScale(1)).toBe('1');
  });
});
