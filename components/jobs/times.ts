// The job wrapper's own times (every scheduler's wrapper writes the same lines) and the harness's submit time →
// a job record's precise times. Pure.
import type { PreciseTimes } from '../../results/schema';

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

/** Precise times of one job from its wrapper's lines (may be absent) and its submit time (may be absent). */
export function preciseTimes(
  wrapperText: string | undefined,
  submittedAt: number | undefined,
): PreciseTimes | null {
  const s = stamps(wrapperText ?? '');
  if (submittedAt === undefined && s.start === undefined) return null;
  return {
    submitEpochS: submittedAt ?? null,
    startEpochS: s.start?.wallS ?? null,
    endEpochS: s.end?.wallS ?? null,
    runSeconds:
      s.start !== undefined && s.end !== undefined ? Math.max(0, s.end.monoS - s.start.monoS) : null,
    source: PRECISE_SOURCE,
  };
}
