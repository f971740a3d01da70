// The job wrapper's own times (every scheduler's wrapper writes the same lines) and the harness's submit time →
// a job record's precise times. Pure.
import type { PreciseTimes, TaskRecord } from '../../results/schema';

/** What recorded the precise times: the harness's submit clock and the wrapper's wall and monotonic clocks. */
export const PRECISE_SOURCE = 'harness:EPOCHREALTIME; wrapper:date +%s%N (wall), /proc/uptime (monotonic)';

interface Stamp {
  wallS: number;
  monoS: number;
}

/** `start <wall ns> <uptime s>` / `end …` lines; a truncated or malformed line is ignored. */
function stamps(text: string): Partial<Record<'start' | 'end', Stamp>> {
  const out: Partial<Record<'start' | 'end', Stamp>> = {};
  for (const line of text.split('\n')) {
    const m = /^(start|end) (\d{10,20}) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (m === null || (m[1] !== 'start' && m[1] !== 'end')) continue;
    // ns as a decimal string: keep the seconds exact, then the fraction (a double holds µs at epoch scale).
    const ns = m[2] ?? '0';
    out[m[1]] = { wallS: Number(ns.slice(0, -9)) + Number(`0.${ns.slice(-9)}`), monoS: Number(m[3]) };
  }
  return out;
}

/** The `node NAME` line the wrapper writes first; null when absent. */
function nodeOf(text: string): string | null {
  const m = /^node (\S+)$/m.exec(text);
  return m?.[1] === undefined || m[1] === 'unknown' ? null : m[1];
}

/** One task's record from its wrapper's lines. */
export function taskRecord(rank: number, text: string): TaskRecord {
  const s = stamps(text);
  return {
    rank,
    node: nodeOf(text),
    startEpochS: s.start?.wallS ?? null,
    endEpochS: s.end?.wallS ?? null,
    runSeconds:
      s.start !== undefined && s.end !== undefined ? Math.max(0, s.end.monoS - s.start.monoS) : null,
  };
}

/** A job file's key split into the job's id and the task's rank: `<id>@<rank>` (a task of several), or `<id>`. */
export function splitTaskKey(key: string): { id: string; rank: number | null } {
  const m = /^(.*)@(\d+)$/.exec(key);
  if (m === null || m[1] === undefined || m[2] === undefined) return { id: key, rank: null };
  return { id: m[1], rank: Number(m[2]) };
}

/** The starts the tasks' wrappers recorded. */
function taskStarts(tasks: readonly TaskRecord[]): number[] {
  return tasks.flatMap((t) => (t.startEpochS === null ? [] : [t.startEpochS]));
}

/** Gang skew (s): last task start − first task start; null with fewer than two starts. */
export function gangSkewSeconds(tasks: readonly TaskRecord[]): number | null {
  const starts = taskStarts(tasks);
  if (starts.length < 2) return null;
  return Math.max(0, Math.max(...starts) - Math.min(...starts));
}

/**
 * The wrapper lines of a job of several tasks as one job's: its first task's start and its last task's end (wall
 * clock; the run time is their difference, since the tasks' monotonic clocks may be on different nodes).
 */
export function jobTimesOfTasks(
  tasks: readonly TaskRecord[],
  submittedAt: number | undefined,
): PreciseTimes | null {
  const starts = taskStarts(tasks);
  const ends = tasks.flatMap((t) => (t.endEpochS === null ? [] : [t.endEpochS]));
  if (submittedAt === undefined && starts.length === 0) return null;
  const start = starts.length > 0 ? Math.min(...starts) : null;
  const end = ends.length === tasks.length && ends.length > 0 ? Math.max(...ends) : null;
  return {
    submitEpochS: submittedAt ?? null,
    startEpochS: start,
    endEpochS: end,
    runSeconds: start !== null && end !== null ? Math.max(0, end - start) : null,
    source: PRECISE_SOURCE,
  };
}

/** Precise times of one job from its wrapper's lines (may be absent) and its submit time (may be absent). */
export function preciseTimes(
  wrapperText: string | undefined,
  submittedAt: number | undefined,
): PreciseTimes | null {
  const t = taskRecord(0, wrapperText ?? '');
  if (submittedAt === undefined && t.startEpochS === null) return null;
  return {
    submitEpochS: submittedAt ?? null,
    startEpochS: t.startEpochS,
    endEpochS: t.endEpochS,
    runSeconds: t.runSeconds,
    source: PRECISE_SOURCE,
  };
}
