// What a trace holds, in numbers: job count, what was skipped, the span of its arrivals, the distributions of job
// size and run time, and the load it offered its own machine. Pure: `trace info` prints it, a replay will
// print the load before it starts.
import { quantileSorted } from '../../analysis/stats';
import { jobProcessors, type SkipCounts, type SwfJob, type SwfTrace } from './swf-format';

/** Quantiles of a distribution (type 7, as analysis/stats computes them) and its mean. */
export interface Distribution {
  min: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The machine a log ran on, in processors, and where that number came from. */
export interface LogMachine {
  processors: number;
  from: 'MaxProcs' | 'MaxNodes' | 'widest job';
}

export interface TraceSummary {
  /** Job lines read. */
  records: number;
  /** Jobs kept (replayable). */
  jobs: number;
  skipped: SkipCounts;
  /** First and last submit time, seconds from the log's start (null without jobs). */
  firstSubmitSeconds: number | null;
  lastSubmitSeconds: number | null;
  /** The latest submit + run time: when the last job would end with no wait at all. */
  lastEndSeconds: number | null;
  /** Job sizes in processors. */
  processors: Distribution | null;
  /** Run times in seconds. */
  runSeconds: Distribution | null;
  /** Σ processors × run time over the jobs. */
  processorSeconds: number;
  machine: LogMachine | null;
  /** processorSeconds / (machine processors × arrival span); null when the span is 0 or the machine unknown. */
  loadOnMachine: number | null;
}

/** A job's size; the reader and the generator keep only jobs that have one. */
export function sizeOf(job: SwfJob): number {
  const size = jobProcessors(job);
  if (size === null) throw new Error(`job ${job.jobNumber}: no size (the reader skips such records)`);
  return size;
}

export function distribution(values: Float64Array): Distribution | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => quantileSorted(sorted, q) ?? Number.NaN;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    min: at(0),
    p25: at(0.25),
    p50: at(0.5),
    p75: at(0.75),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    mean: sum / sorted.length,
  };
}

/** Σ CPU-seconds / (CPUs × arrival span): the repository's offered load; null for an empty span. */
export function offeredLoad(cpuSeconds: number, cpus: number, spanSeconds: number): number | null {
  return spanSeconds > 0 && cpus > 0 ? cpuSeconds / (cpus * spanSeconds) : null;
}

/** The log's machine: its header's MaxProcs, else MaxNodes, else (said as such) its widest job. */
export function logMachine(trace: SwfTrace, widest: number | null): LogMachine | null {
  const { MaxProcs, MaxNodes } = trace.header.numbers;
  if (MaxProcs !== undefined && MaxProcs > 0) return { processors: MaxProcs, from: 'MaxProcs' };
  if (MaxNodes !== undefined && MaxNodes > 0) return { processors: MaxNodes, from: 'MaxNodes' };
  return widest === null ? null : { processors: widest, from: 'widest job' };
}

export function summariseTrace(trace: SwfTrace): TraceSummary {
  const n = trace.jobs.length;
  const sizes = new Float64Array(n);
  const runs = new Float64Array(n);
  let first: number | null = null;
  let last: number | null = null;
  let lastEnd: number | null = null;
  let processorSeconds = 0;
  for (const [i, job] of trace.jobs.entries()) {
    const size = sizeOf(job);
    sizes[i] = size;
    runs[i] = job.runSeconds;
    processorSeconds += size * job.runSeconds;
    first = first === null ? job.submitSeconds : Math.min(first, job.submitSeconds);
    last = last === null ? job.submitSeconds : Math.max(last, job.submitSeconds);
    const end = job.submitSeconds + job.runSeconds;
    lastEnd = lastEnd === null ? end : Math.max(lastEnd, end);
  }
  const processors = distribution(sizes);
  const machine = logMachine(trace, processors?.max ?? null);
  const span = first !== null && last !== null ? last - first : 0;
  return {
    records: trace.records,
    jobs: n,
    skipped: { ...trace.skipped },
    firstSubmitSeconds: first,
    lastSubmitSeconds: last,
    lastEndSeconds: lastEnd,
    processors,
    runSeconds: distribution(runs),
    processorSeconds,
    machine,
    loadOnMachine: machine === null ? null : offeredLoad(processorSeconds, machine.processors, span),
  };
}
