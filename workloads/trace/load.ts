// A log on a profile: each job's processors scaled to the profile's CPUs (the ratio of the profile's CPUs to the
// log machine's processors, rounded up to whole CPUs, at least one, at most the profile's), the load that offers
// the profile, and how long a replay at a time scale would take at the least. Pure.
import type { Profile } from '../../components/config/profile';
import type { SwfJob } from './swf-format';
import { offeredLoad, sizeOf, type TraceSummary } from './summary';

/** A job of `processors` on a log machine of `machineProcessors`, in CPUs of a profile with `profileCpus`. */
export function scaledCpus(processors: number, machineProcessors: number, profileCpus: number): number {
  return Math.min(profileCpus, Math.max(1, Math.ceil((processors * profileCpus) / machineProcessors)));
}

export interface ProfileLoad {
  /** The profile's CPUs (nodes × vCPUs). */
  profileCpus: number;
  machineProcessors: number;
  /** Σ scaled CPUs × run time / (profile CPUs × arrival span); null for an empty span. */
  offeredLoad: number | null;
  /** Jobs wider than the log's own machine, clipped to the whole profile. */
  clippedJobs: number;
}

export function profileLoad(
  jobs: readonly SwfJob[],
  machineProcessors: number,
  profile: Profile,
): ProfileLoad {
  const profileCpus = profile.nodes * profile.vcpus;
  let cpuSeconds = 0;
  let clippedJobs = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const job of jobs) {
    const size = sizeOf(job);
    if (size > machineProcessors) clippedJobs++;
    cpuSeconds += scaledCpus(size, machineProcessors, profileCpus) * job.runSeconds;
    first = Math.min(first, job.submitSeconds);
    last = Math.max(last, job.submitSeconds);
  }
  const span = jobs.length === 0 ? 0 : last - first;
  return {
    profileCpus,
    machineProcessors,
    offeredLoad: offeredLoad(cpuSeconds, profileCpus, span),
    clippedJobs,
  };
}

export interface ReplayDuration {
  /** The arrivals' span at the scale. */
  arrivalSeconds: number;
  /** From the first arrival to the end of the last job with no wait at all, at the scale: a lower bound. */
  atLeastSeconds: number;
}

/** How long a replay at `scale` (1/600: an hour of the log in 6 s) would take; null without jobs. */
export function replayDuration(summary: TraceSummary, scale: number): ReplayDuration | null {
  const { firstSubmitSeconds: first, lastSubmitSeconds: last, lastEndSeconds: end } = summary;
  if (first === null || last === null || end === null) return null;
  return { arrivalSeconds: (last - first) * scale, atLeastSeconds: (end - first) * scale };
}
