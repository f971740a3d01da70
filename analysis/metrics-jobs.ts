// Per-run job metrics: makespan, throughput, wait, response, bounded slowdown (also by job width: narrow = one
// node asked for, wide = more), CPU efficiency, job counts by outcome, and the start / completion rates of throughput
// workloads.
import type { JobTimes } from './job-times';
import { maxOf, mean, minOf, quantileSorted } from './stats';

/** Feitelson's bounded-slowdown threshold τ (s): runs shorter than this count as τ long. */
export const SLOWDOWN_TAU_SECONDS = 10;

/**
 * The run's measured window: from the first submit of a job that ran to the last end of a job that ran. A job
 * "ran" when it has a start (it held CPUs, however it ended); a job that never started — cancelled while pending,
 * still pending at collection — neither opens nor closes the window. Null when no job that ran has ended.
 */
export interface RunWindow {
  start: number;
  end: number;
}

export function runWindow(jobs: readonly JobTimes[]): RunWindow | null {
  let start = Infinity;
  let end = -Infinity;
  for (const j of jobs) {
    if (j.start === null) continue;
    start = Math.min(start, j.submit);
    if (j.end !== null) end = Math.max(end, j.end);
  }
  return end >= start ? { start, end } : null;
}

/** max(1, (wait + run) / max(run, τ)) — Feitelson & Rudolph's bounded slowdown. */
export function boundedSlowdown(
  waitSeconds: number,
  runSeconds: number,
  tauSeconds = SLOWDOWN_TAU_SECONDS,
): number {
  return Math.max(1, (waitSeconds + runSeconds) / Math.max(runSeconds, tauSeconds));
}

export interface JobMetrics {
  jobsTotal: number;
  jobsCompleted: number;
  jobsFailed: number;
  jobsCancelled: number;
  jobsUnfinished: number;
  jobsNeverStarted: number;
  clockSkewJobs: number;
  makespanSeconds: number | null;
  throughputJobsPerHour: number | null;
  waitMeanSeconds: number | null;
  waitP50Seconds: number | null;
  waitP95Seconds: number | null;
  waitMaxSeconds: number | null;
  responseMeanSeconds: number | null;
  responseP95Seconds: number | null;
  boundedSlowdownMean: number | null;
  boundedSlowdownP95: number | null;
  boundedSlowdownMeanNarrow: number | null;
  boundedSlowdownMeanWide: number | null;
  waitMeanSecondsWide: number | null;
  cpuEfficiencyMean: number | null;
  cpuEfficiencyOverall: number | null;
  schedulerLatencySeconds: number | null;
  startRateJobsPerSecond: number | null;
  completionRateJobsPerSecond: number | null;
}

/** (n − 1) events over the span from the first to the last: the rate at which they happened. */
function eventRate(times: number[]): number | null {
  if (times.length < 2) return null;
  const span = (maxOf(times) as number) - (minOf(times) as number);
  return span > 0 ? (times.length - 1) / span : null;
}

function sorted(xs: number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/** A job that asked for more than one node (by its request, so every scheduler's classes hold the same jobs). */
const isWide = (j: JobTimes): boolean => j.requestedNodes > 1;

/** Jobs that started (however they ended): their wait is the scheduler's doing. */
export const hasStarted = (j: JobTimes): boolean => j.start !== null;
/** Jobs that did their work: completed, with a start and a run time. */
export const isCompleted = (j: JobTimes): boolean =>
  j.cls === 'completed' && j.start !== null && j.runSeconds !== null;
/** Start − submit of a job that started. */
export const waitOf = (j: JobTimes): number => (j.start as number) - j.submit;
/** Bounded slowdown of a completed job. */
export const slowdownOf = (j: JobTimes): number => boundedSlowdown(waitOf(j), j.runSeconds as number);

/** Mean bounded slowdown of narrow and wide completed jobs, and mean wait of wide started ones (null: class empty). */
function byWidth(
  started: readonly JobTimes[],
  completed: readonly JobTimes[],
): Pick<JobMetrics, 'boundedSlowdownMeanNarrow' | 'boundedSlowdownMeanWide' | 'waitMeanSecondsWide'> {
  return {
    boundedSlowdownMeanNarrow: mean(completed.filter((j) => !isWide(j)).map(slowdownOf)),
    boundedSlowdownMeanWide: mean(completed.filter(isWide).map(slowdownOf)),
    waitMeanSecondsWide: mean(started.filter(isWide).map(waitOf)),
  };
}

export function jobMetrics(jobs: readonly JobTimes[]): JobMetrics {
  const window = runWindow(jobs);
  const makespan = window === null ? null : window.end - window.start;
  const started = jobs.filter(hasStarted);
  const completed = jobs.filter(isCompleted);
  // Wait counts every job that started, however it ended: waiting is the scheduler's doing, not the job's.
  const waits = sorted(started.map(waitOf));
  // Response and slowdown describe jobs that did their work: completed ones only.
  const responses = completed.map((j) => waitOf(j) + (j.runSeconds as number));
  const slowdowns = sorted(completed.map(slowdownOf));
  const efficiencies: number[] = [];
  let cpuUsed = 0;
  let cpuHeld = 0;
  for (const j of completed) {
    const held = (j.runSeconds as number) * j.cpus;
    if (j.totalCpuSeconds === null || held <= 0) continue;
    efficiencies.push(j.totalCpuSeconds / held);
    cpuUsed += j.totalCpuSeconds;
    cpuHeld += held;
  }
  // The window's opening, not any job's submit: a job cancelled while pending says nothing of the scheduler's pace.
  const firstSubmit = minOf(started.map((j) => j.submit));
  const firstStart = minOf(started.map((j) => j.start as number));
  const count = (c: JobTimes['cls']) => jobs.filter((j) => j.cls === c).length;
  return {
    jobsTotal: jobs.length,
    jobsCompleted: count('completed'),
    jobsFailed: count('failed'),
    jobsCancelled: count('cancelled'),
    jobsUnfinished: count('unfinished'),
    jobsNeverStarted: jobs.length - started.length,
    clockSkewJobs: jobs.filter((j) => j.skewed).length,
    makespanSeconds: makespan,
    throughputJobsPerHour: makespan !== null && makespan > 0 ? (completed.length / makespan) * 3600 : null,
    waitMeanSeconds: mean(Array.from(waits)),
    waitP50Seconds: quantileSorted(waits, 0.5),
    waitP95Seconds: quantileSorted(waits, 0.95),
    waitMaxSeconds: waits.length ? waits[waits.length - 1] : null,
    responseMeanSeconds: mean(responses),
    responseP95Seconds: quantileSorted(sorted(responses), 0.95),
    boundedSlowdownMean: mean(Array.from(slowdowns)),
    boundedSlowdownP95: quantileSorted(slowdowns, 0.95),
    ...byWidth(started, completed),
    cpuEfficiencyMean: mean(efficiencies),
    cpuEfficiencyOverall: cpuHeld > 0 ? cpuUsed / cpuHeld : null,
    schedulerLatencySeconds: firstSubmit !== null && firstStart !== null ? firstStart - firstSubmit : null,
    startRateJobsPerSecond: eventRate(started.map((j) => j.start as number)),
    completionRateJobsPerSecond: eventRate(
      completed.map((j) => j.end ?? (j.start as number) + (j.runSeconds as number)),
    ),
  };
}
