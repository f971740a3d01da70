// What the analysis calls a scheduler: its name, or — for a variant (SLURM with HTC tuning, Flux with another queue
// policy) — its name and the settings that set it apart, so that variants are grouped, averaged and compared as
// schedulers of their own. Read from the RunResult alone (`scheduler.settings`); nothing here names a scheduler.
import type { RunResult } from '../results/schema';

type Settings = RunResult['scheduler']['settings'];

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const members = groups.get(key(item));
    if (members === undefined) groups.set(key(item), [item]);
    else members.push(item);
  }
  return groups;
}

const valueOf = (settings: Settings, key: string): string => {
  const v = settings[key];
  return v === undefined ? '–' : String(v);
};

/**
 * The settings keys that tell runs of one scheduler apart: those whose value differs between runs of that scheduler
 * on the same profile. Differences across profiles alone are facts of the profile (e.g. the memory a kubelet may
 * allocate), not variants, and would otherwise split a scheduler's scaling series.
 */
function variantKeys(runs: readonly RunResult[]): string[] {
  const keys = new Set<string>();
  for (const members of groupBy(runs, (r) => r.profile.name).values()) {
    const all = new Set(members.flatMap((r) => Object.keys(r.scheduler.settings)));
    for (const key of all) {
      if (new Set(members.map((r) => valueOf(r.scheduler.settings, key))).size > 1) keys.add(key);
    }
  }
  return [...keys].sort();
}

/** Whether the run's scheduler decided for emulated nodes (docs/scale.md); results before the field are real. */
export function isEmulated(run: Pick<RunResult, 'provenance'>): boolean {
  return run.provenance.execution === 'emulated';
}

/** What every emulated run's label ends with: its figures are never compared with real ones. */
export const EMULATED_MARK = ' [emulated]';

/**
 * One label per run, in input order: the scheduler's name, or `name (key=value, …)` with its variant keys when runs
 * of that scheduler differ in them; an emulated run's label ends in ` [emulated]`, so that emulated and real runs
 * never share a comparison group. With one configuration per scheduler (a campaign) every real label is the bare name.
 */
export function schedulerLabels(runs: readonly RunResult[]): string[] {
  const byName = groupBy(runs, (r) => r.scheduler.name);
  const keysOf = new Map([...byName].map(([name, members]) => [name, variantKeys(members)]));
  return runs.map((r) => {
    const keys = keysOf.get(r.scheduler.name) ?? [];
    const mark = isEmulated(r) ? EMULATED_MARK : '';
    if (keys.length === 0) return `${r.scheduler.name}${mark}`;
    return `${r.scheduler.name} (${keys.map((k) => `${k}=${valueOf(r.scheduler.settings, k)}`).join(', ')})${mark}`;
  });
}
