// The text of `schedbench trace info`: one labelled line per fact of a trace (its machine, jobs and skips, span,
// size and run-time distributions, load), and on a profile the load it offers there and what a replay would take.
// Pure: the command reads the file and the profile, this says what they amount to.
import { headerValue, SKIP_REASONS, type SwfHeader } from './swf-format';
import type { ProfileLoad, ReplayDuration } from './load';
import type { Distribution, TraceSummary } from './summary';

/** Seconds as a person reads a span: `91d 23h 02m`, `3h 41m 05s`, `4m 07s`, `6.2 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m ${two(s % 60)}s`;
  return `${Math.floor(s / 86400)}d ${two(Math.floor((s % 86400) / 3600))}h ${two(Math.floor((s % 3600) / 60))}m`;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A whole number as is, anything else to one decimal. */
const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function quantiles(d: Distribution | null): string {
  if (d === null) return 'none';
  return (
    `min ${num(d.min)}, p25 ${num(d.p25)}, p50 ${num(d.p50)}, p75 ${num(d.p75)}, p90 ${num(d.p90)}, ` +
    `p99 ${num(d.p99)}, max ${num(d.max)}; mean ${num(d.mean)}`
  );
}

const load = (x: number | null): string =>
  x === null ? 'undefined (all jobs arrive at once)' : x.toFixed(2);

function machineLine(header: SwfHeader, s: TraceSummary): string {
  const name = [headerValue(header, 'Computer'), headerValue(header, 'Installation')]
    .filter((v): v is string => v !== null)
    .join(', ');
  const size = s.machine === null ? 'size unknown' : `${s.machine.processors} processors (${s.machine.from})`;
  return name === '' ? size : `${name}: ${size}`;
}

function startLine(header: SwfHeader): string | null {
  const start = header.numbers.UnixStartTime;
  if (start === undefined) return null;
  const zone = headerValue(header, 'TimeZoneString');
  const iso = new Date(start * 1000).toISOString().replace('.000Z', 'Z');
  return `${iso}${zone === null ? '' : ` (${zone})`}, UnixStartTime ${start}`;
}

function skippedText(s: TraceSummary): string {
  const counts = SKIP_REASONS.filter((r) => s.skipped[r] > 0).map((r) => `${r} ${s.skipped[r]}`);
  return counts.length === 0 ? 'none skipped' : `skipped ${s.records - s.jobs}: ${counts.join(', ')}`;
}

export interface InfoOnProfile {
  name: string;
  vcpus: number;
  nodes: number;
  load: ProfileLoad;
}

export interface InfoReplay {
  /** The scale as the user gave it (`1/600`). */
  scale: string;
  duration: ReplayDuration | null;
}

export function formatTraceInfo(
  file: string,
  header: SwfHeader,
  s: TraceSummary,
  on: { profile?: InfoOnProfile; replay?: InfoReplay } = {},
): string {
  const lines: Array<[string, string]> = [
    ['trace', file],
    ['machine', machineLine(header, s)],
  ];
  const start = startLine(header);
  if (start !== null) lines.push(['start', start]);
  lines.push(['jobs', `${s.jobs} of ${s.records} records; ${skippedText(s)}`]);
  const { firstSubmitSeconds: first, lastSubmitSeconds: last, lastEndSeconds: end } = s;
  if (first !== null && last !== null && end !== null)
    lines.push([
      'span',
      `arrivals over ${formatDuration(last - first)} (submit ${first} … ${last} s); ` +
        `the last job ends ${formatDuration(end - first)} after the first arrival, with no wait`,
    ]);
  lines.push(['size', `processors: ${quantiles(s.processors)}`]);
  lines.push(['run time', `seconds: ${quantiles(s.runSeconds)}`]);
  if (s.machine !== null)
    lines.push(['load', `${load(s.loadOnMachine)} on its machine (${s.machine.processors} processors)`]);
  if (on.profile !== undefined) {
    const { name, nodes, vcpus, load: p } = on.profile;
    lines.push([
      'profile',
      `${name}: ${plural(nodes, 'node')} × ${plural(vcpus, 'vCPU')} = ${p.profileCpus} CPUs; each job's processors × ` +
        `${p.profileCpus}/${p.machineProcessors}, rounded up to whole CPUs: offered load ${load(p.offeredLoad)}` +
        (p.clippedJobs > 0
          ? `; ${p.clippedJobs} job(s) wider than the log's machine clipped to the profile`
          : ''),
    ]);
  }
  if (on.replay !== undefined) {
    const d = on.replay.duration;
    lines.push([
      'replay',
      d === null
        ? `at scale ${on.replay.scale}: no jobs`
        : `at scale ${on.replay.scale}: arrivals over ${formatDuration(d.arrivalSeconds)}; ` +
          `at least ${formatDuration(d.atLeastSeconds)} to the last job's end (no waiting)`,
    ]);
  }
  return `${lines.map(([label, text]) => `${label.padEnd(9)} ${text}`).join('\n')}\n`;
}
