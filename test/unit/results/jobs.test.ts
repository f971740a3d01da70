// One definition of how a job ended: the stack outputs (summarise) and the report's metrics count the same
// jobs as failed, cancelled and unfinished, and the run status follows from the same states.
import { outcomeCounts, runStatus } from '../../../results/jobs';
import { JobState } from '../../../results/schema';
import { runMetrics } from '../../../analysis/metrics';
import { summarise } from '../../../workloads/result';
import { job, runResult } from '../../helpers/sim';

describe('job outcomes', () => {
  const states = JobState.options;
  const run = runResult({
    jobs: states.map((state, i) => job({ submit: i, start: i + 1, end: i + 2, state }, i)),
  });

  it('the stack output and the report agree on every count, for every state', () => {
    const summary = summarise(run, '/r.json');
    const metrics = runMetrics(run);
    expect([
      summary.jobsCompleted,
      summary.jobsFailed,
      summary.jobsCancelled,
      summary.jobsUnfinished,
    ]).toEqual([metrics.jobsCompleted, metrics.jobsFailed, metrics.jobsCancelled, metrics.jobsUnfinished]);
    const counts = outcomeCounts(run.jobs);
    expect(counts.completed + counts.failed + counts.cancelled + counts.unfinished).toBe(states.length);
    expect(counts).toMatchObject({
      completed: 1,
      cancelled: 1,
      unfinished: 3,
      notCompleted: states.length - 1,
    });
  });

  it('run status: timeout over node failure over failed jobs over ok', () => {
    const s = (state: JobState) => ({ state });
    expect(runStatus([s('COMPLETED')], false, 0)).toBe('ok');
    expect(runStatus([s('COMPLETED')], false, 1)).toBe('failed');
    expect(runStatus([s('COMPLETED'), s('CANCELLED')], false, 0)).toBe('failed');
    expect(runStatus([s('NODE_FAIL'), s('FAILED')], false, 0)).toBe('degraded');
    expect(runStatus([s('NODE_FAIL')], true, 0)).toBe('timeout');
    expect(runStatus([s('COMPLETED')], false, 0, true)).toBe('failed');
    expect(runStatus([s('NODE_FAIL')], true, 0, true)).toBe('failed');
  });
});
