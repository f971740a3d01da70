// Precise job times: the wrapper's lines and the harness's submit clock become the job record's sub-second
// times, and the analysis prefers them to the scheduler's whole seconds.
import { preciseTimes, PRECISE_SOURCE } from '../../../components/jobs/times';
import { jobTimes } from '../../../analysis/job-times';
import { job } from '../../helpers/sim';

describe('preciseTimes', () => {
  it('reads ns wall stamps exactly to the µs and the run time from the monotonic clock', () => {
    const p = preciseTimes(
      'start 1796048559756740123 2044.85\nend 1796048562006740999 2047.10\n',
      1796048559.5,
    );
    expect(p).toMatchObject({ submitEpochS: 1796048559.5, runSeconds: expect.closeTo(2.25, 6) as number });
    expect(p?.startEpochS).toBeCloseTo(1796048559.75674, 5);
    expect(p?.endEpochS).toBeCloseTo(1796048562.00674, 5);
    expect(p?.source).toBe(PRECISE_SOURCE);
  });

  it('a job killed before its end stamp keeps its start; nothing at all gives null; garbage lines are ignored', () => {
    expect(preciseTimes('start 1796048559000000000 10.00\nend 17960', undefined)).toMatchObject({
      startEpochS: 1796048559,
      endEpochS: null,
      runSeconds: null,
      submitEpochS: null,
    });
    expect(preciseTimes(undefined, undefined)).toBeNull();
    expect(preciseTimes('nonsense\n', undefined)).toBeNull();
  });
});

describe('jobTimes prefers precise times', () => {
  it('uses the wrapper and harness times where present, the scheduler whole seconds otherwise', () => {
    const base = job({ submit: 0, start: 1, end: 4 });
    const coarse = jobTimes(base);
    const submit = Date.parse(base.submitTime) / 1000;
    const precise = jobTimes({
      ...base,
      precise: {
        submitEpochS: submit + 0.25,
        startEpochS: submit + 1.4,
        endEpochS: submit + 3.9,
        runSeconds: 2.5,
        source: PRECISE_SOURCE,
      },
    });
    expect(coarse.start).toBe(submit + 1);
    expect(precise.submit).toBeCloseTo(submit + 0.25, 6);
    expect(precise.start).toBeCloseTo(submit + 1.4, 6);
    expect(precise.end).toBeCloseTo(submit + 3.9, 6);
    expect(precise.runSeconds).toBe(2.5);
  });

  it('a job the scheduler never started has no run even if a wrapper wrote a start', () => {
    const pending = job({ submit: 0 });
    const t = jobTimes({
      ...pending,
      precise: {
        submitEpochS: null,
        startEpochS: 5,
        endEpochS: null,
        runSeconds: null,
        source: PRECISE_SOURCE,
      },
    });
    expect(t.start).toBeNull();
  });
});
