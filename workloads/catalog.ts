// The workload catalog: each named workload expands, for a resource profile, into abstract job specs that a
// scheduler renders in its own language. Sizes are relative to the profile so every job fits a node; runs are
// kept short (jobs of 2–5 s) so a whole campaign finishes in minutes. Load is real (stress-ng), never sleep.
import type { Profile } from '../components/config/schema';
import type { WorkloadName } from './names';
import { JobSpec } from '../components/jobs/spec';

const AT_ONCE = { offsetSeconds: 0, intervalSeconds: 0 };

/** Seconds of stress each job runs (stress-ng --timeout): short so the whole e2e stays within minutes. */
export const STRESS_SECONDS = 3;

function cpuJobs(profile: Profile, waves: number, arrival = AT_ONCE): JobSpec {
  const cpus = Math.max(1, Math.floor(profile.vcpus / 2));
  return {
    count: waves * profile.nodes * Math.max(1, Math.floor(profile.vcpus / cpus)),
    cpus,
    memoryMiB: 64,
    expectedSeconds: STRESS_SECONDS,
    kind: 'stress',
    args: ['--cpu', String(cpus), '--cpu-method', 'matrixprod', '--timeout', `${STRESS_SECONDS}s`],
    arrival,
  };
}

function memoryJobs(profile: Profile, arrival = AT_ONCE): JobSpec {
  const perNode = Math.min(profile.vcpus, 4);
  const memoryMiB = Math.floor((profile.memoryGiB * 1024) / perNode);
  // Touch most of what is requested, capped so a campaign never pushes the host into swap.
  const vmMiB = Math.max(16, Math.min(Math.floor(memoryMiB * 0.75), 1024));
  return {
    count: profile.nodes * perNode,
    cpus: 1,
    memoryMiB,
    expectedSeconds: STRESS_SECONDS,
    kind: 'stress',
    args: ['--vm', '1', '--vm-bytes', `${vmMiB}M`, '--vm-keep', '--timeout', `${STRESS_SECONDS}s`],
    arrival,
  };
}

const CATALOG: Record<WorkloadName, (profile: Profile) => JobSpec[]> = {
  cpu_intensive: (p) => [cpuJobs(p, 2)],
  memory_intensive: (p) => [memoryJobs(p)],
  // CPU jobs at once, memory jobs trickling in behind them, one long job to give backfill something to do.
  mixed: (p) => [
    cpuJobs(p, 1),
    memoryJobs(p, { offsetSeconds: 1, intervalSeconds: 0.5 }),
    {
      count: 1,
      cpus: 1,
      memoryMiB: 64,
      expectedSeconds: 5,
      kind: 'stress',
      args: ['--cpu', '1', '--cpu-method', 'fft', '--timeout', '5s'],
      arrival: { offsetSeconds: 0.5, intervalSeconds: 0 },
    },
  ],
  // Many trivial jobs: measures the scheduler itself (submit, start and completion rates).
  throughput: (p) => [
    {
      count: 25 * p.nodes,
      cpus: 1,
      memoryMiB: 16,
      expectedSeconds: 0.1,
      kind: 'noop',
      args: [],
      arrival: AT_ONCE,
    },
  ],
};

/** The job specs of `workload` sized for `profile`. */
export function expandWorkload(workload: WorkloadName, profile: Profile): JobSpec[] {
  return CATALOG[workload](profile).map((s) => JobSpec.parse(s));
}

/** Total jobs of a list of specs. */
export function jobCount(specs: readonly JobSpec[]): number {
  return specs.reduce((n, s) => n + s.count, 0);
}

/**
 * A generous estimate of how long the specs take on the profile (s): last arrival, plus the CPU-seconds over
 * the cluster's CPUs, plus the longest job, plus a per-job allowance for the scheduler's own latency.
 */
export function expectedRunSeconds(specs: readonly JobSpec[], profile: Profile): number {
  const lastArrival = Math.max(
    0,
    ...specs.map((s) => s.arrival.offsetSeconds + s.arrival.intervalSeconds * (s.count - 1)),
  );
  const cpuSeconds = specs.reduce((t, s) => t + s.count * s.cpus * s.expectedSeconds, 0);
  const longest = Math.max(0, ...specs.map((s) => s.expectedSeconds));
  const schedulerAllowance = 0.25 * jobCount(specs);
  return lastArrival + cpuSeconds / (profile.nodes * profile.vcpus) + longest + schedulerAllowance;
}

/** The wait bound of a run (s): the estimate × timeoutFactor, plus a fixed allowance for a cold scheduler. */
export function runTimeoutSeconds(
  specs: readonly JobSpec[],
  profile: Profile,
  timeoutFactor: number,
): number {
  return Math.ceil(expectedRunSeconds(specs, profile) * timeoutFactor + 30);
}
