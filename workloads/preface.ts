// What a workload will offer the profile, said before anything runs: its jobs, how long they take to arrive, the
// offered load (above 1, a queue builds up: a queue test, not a mistake, but the user should know) and, for a replay,
// which log jobs and which of them the metrics count. The campaign, `up` and `schedbench workloads` print it. Pure.
import { sizedProfiles } from '../components/config/emulation';
import type { BenchConfig, Profile } from '../components/config/schema';
import { expandWorkloadFully } from './catalog';
import type { Expansion } from './expand';
import type { WorkloadName } from './names';
import { formatDuration } from './trace/info';

/** A time scale as the user wrote it, `1/600`; any other scale to 4 digits, with the fraction nearest it. */
export function formatScale(scale: number): string {
  const n = Math.round(1 / scale);
  if (n > 1 && Math.abs(1 / n - scale) < 1e-12) return `1/${n}`;
  const shown = String(Number(scale.toPrecision(4)));
  return n > 1 ? `${shown} ≈ 1/${n}` : shown;
}

/** The offered load and what it means. */
function loadWords(load: number | null): string {
  if (load === null) return 'all at once';
  const said = `offered load ${load.toFixed(2)}`;
  return load > 1 ? `${said} (above 1: a queue builds up, a queue test)` : said;
}

/** The replay's log and window; empty for job groups. */
function replayWords(e: Expansion): string {
  const r = e.replay;
  if (r === undefined) return '';
  const dropped = r.droppedWider > 0 ? `, ${r.droppedWider} dropped as wider than the log's machine` : '';
  return ` of ${r.file} (log jobs ${r.firstJob}–${r.lastJob}, scale ${formatScale(r.scale)}${dropped})`;
}

/** Which of a replay's jobs the metrics count; empty when all of them. */
function measuredWords(e: Expansion, jobs: number): string {
  const r = e.replay;
  if (r === undefined || r.warmupJobs + r.cooldownJobs === 0) return '';
  const measured = Math.max(0, jobs - r.warmupJobs - r.cooldownJobs);
  return `; metrics over ${measured} of them (the first ${r.warmupJobs} and the last ${r.cooldownJobs} left out)`;
}

/** One line: `workload nasa on profile pair: 200 jobs of … arriving over 4m 02s, offered load 0.53`. */
export function workloadPreface(name: string, e: Expansion, profileName: string): string {
  const jobs = e.groups.reduce((n, g) => n + g.spec.count, 0);
  const arrival = e.arrivalSpanSeconds > 0 ? ` arriving over ${formatDuration(e.arrivalSpanSeconds)},` : ',';
  return (
    `workload ${name} on profile ${profileName}: ${jobs} job${jobs === 1 ? '' : 's'}${replayWords(e)}${arrival} ` +
    `${loadWords(e.offeredLoad)}${measuredWords(e, jobs)}`
  );
}

/** The preface of each workload on `profileName` of the stack's profiles, expanded as the runs will be. */
export function workloadPrefaces(
  config: Pick<BenchConfig, 'profiles' | 'workloadDefinitions' | 'seed' | 'emulation'>,
  stackProfile: string,
  workloads: readonly WorkloadName[],
): string[] {
  // The profile the workloads are sized for: the stack's, or each size of an emulated sweep in turn.
  return sizedProfiles(config, stackProfile).flatMap((sized) =>
    prefacesOn(config, sized.name, sized.profile, workloads),
  );
}

function prefacesOn(
  config: Pick<BenchConfig, 'workloadDefinitions' | 'seed'>,
  profileName: string,
  profile: Profile,
  workloads: readonly WorkloadName[],
): string[] {
  return workloads.map((w) =>
    workloadPreface(
      w,
      expandWorkloadFully(w, profile, {
        definitions: config.workloadDefinitions,
        seed: config.seed,
        profileName,
      }),
      profileName,
    ),
  );
}
