// Parsers of SLURM's command output (sacct -P, sdiag, squeue, sinfo) into typed values. Everything goes
// through zod; SLURM's placeholders (`Unknown`, `None`, `None assigned`, empty fields) become null.
import { z } from 'zod';
import { expandHostlist as expandAnyHostlist } from '../schedulers/hostlist';
import {
  JobRecord,
  JobState,
  SchedulerNodeState,
  SchedulerStats,
  type PreciseTimes,
} from '../../results/schema';

/** The sacct fields collect.sh asks for, in order. */
export const SACCT_FIELDS = [
  'JobID',
  'JobIDRaw',
  'JobName',
  'State',
  'ExitCode',
  'Submit',
  'Eligible',
  'Start',
  'End',
  'ElapsedRaw',
  'Elapsed',
  'ReqCPUS',
  'ReqMem',
  'AllocCPUS',
  'NodeList',
  'TotalCPU',
  'MaxRSS',
] as const;

const PLACEHOLDERS = new Set(['', 'Unknown', 'None', 'None assigned', 'N/A', '(null)']);

/** A field with SLURM's placeholders as null. */
const field = z.string().transform((s) => (PLACEHOLDERS.has(s.trim()) ? null : s.trim()));

const sacctTime = field.transform((s, ctx) => {
  if (s === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: `not a sacct time: ${s}` });
    return z.NEVER;
  }
  // collect.sh runs sacct with TZ=UTC; SLURM prints local time without a zone.
  return `${s}Z`;
});

/** `[D-][HH:]MM:SS[.fff]` (sacct Elapsed, TotalCPU) → seconds. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (PLACEHOLDERS.has(s) || s === 'INVALID') return null;
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(s);
  if (m === null) throw new Error(`not a SLURM duration: ${text}`);
  const [, days, hours, minutes, seconds] = m;
  // `D-HH:MM` without seconds does not occur in sacct output; with a day part the form is D-HH:MM:SS.
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

const UNIT_MIB: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** `16628K`, `100M`, `2G`, `4000Mc`, `1Gn`, plain bytes → MiB (null for placeholders). */
export function parseSizeMiB(text: string): number | null {
  const s = text.trim();
  if (PLACEHOLDERS.has(s) || s === '0') return s === '0' ? 0 : null;
  // A trailing `?` marks a value SLURM could not gather exactly (seen on MaxRSS of short steps).
  const m = /^(\d+(?:\.\d+)?)([KMGT])?[cn]?\??$/.exec(s);
  if (m === null) throw new Error(`not a SLURM size: ${text}`);
  const [, value, unit] = m;
  return unit === undefined ? Number(value) / (1024 * 1024) : Number(value) * (UNIT_MIB[unit] ?? 1);
}

/**
 * sacct's ReqMem of a job → the job's total memory (MiB): a plain size is the total (as SLURM 22.05 prints it:
 * `--mem=128M` on two nodes reads `256M`); older SLURM marks a size per node (`4Gn`) or per CPU (`100Mc`), multiplied
 * here by the job's nodes or CPUs.
 */
export function requestedMemoryTotalMiB(text: string, nodes: number, cpus: number): number | null {
  const size = parseSizeMiB(text);
  if (size === null) return null;
  const unit = text.trim().replace(/\?$/, '').slice(-1);
  if (unit === 'n') return size * Math.max(1, nodes);
  if (unit === 'c') return size * Math.max(1, cpus);
  return size;
}

/** `3:0` → exit 3, no signal; `0:15` → signal 15; empty → nulls. */
export function parseExitCode(text: string): { exitCode: number | null; signal: number | null } {
  const s = text.trim();
  const m = /^(\d+):(\d+)$/.exec(s);
  if (m === null) return { exitCode: null, signal: null };
  const signal = Number(m[2]);
  return { exitCode: Number(m[1]), signal: signal > 0 ? signal : null };
}

/** SLURM's state string (e.g. `CANCELLED by 0`, `OUT_OF_MEMORY`) → the normalised JobState. */
export function normaliseState(raw: string): JobState {
  const word = raw.trim().split(/\s+/)[0] ?? '';
  const parsed = JobState.safeParse(word.replace(/\+$/, ''));
  return parsed.success ? parsed.data : 'UNKNOWN';
}

/** Expand a SLURM hostlist (`n[1-3,5],gpu7`) into names; sacct's placeholders (`None assigned`) → []. */
export function expandHostlist(text: string): string[] {
  return PLACEHOLDERS.has(text.trim()) ? [] : expandAnyHostlist(text);
}

const SacctRow = z.strictObject({
  JobID: z.string().min(1),
  JobIDRaw: z.string().min(1),
  JobName: z.string(),
  State: z.string(),
  ExitCode: z.string(),
  Submit: sacctTime,
  Eligible: sacctTime,
  Start: sacctTime,
  End: sacctTime,
  ElapsedRaw: field
    .transform((s) => (s === null ? null : Number(s)))
    .pipe(z.number().int().nonnegative().nullable()),
  Elapsed: z.string(),
  ReqCPUS: field
    .transform((s) => (s === null ? null : Number(s)))
    .pipe(z.number().int().nonnegative().nullable()),
  ReqMem: z.string(),
  AllocCPUS: field
    .transform((s) => (s === null ? null : Number(s)))
    .pipe(z.number().int().nonnegative().nullable()),
  NodeList: z.string(),
  TotalCPU: z.string(),
  MaxRSS: z.string(),
});
export type SacctRow = z.infer<typeof SacctRow>;

/** `sacct -n -P --format=<SACCT_FIELDS>` text → rows (job and step lines). */
export function parseSacct(text: string, fields: readonly string[] = SACCT_FIELDS): SacctRow[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const values = l.split('|');
      if (values.length !== fields.length) {
        throw new Error(`sacct line ${i + 1} has ${values.length} fields, expected ${fields.length}: ${l}`);
      }
      return SacctRow.parse(Object.fromEntries(fields.map((f, j) => [f, values[j]])));
    });
}

/** What the runner knows of a submitted job. */
export interface SubmittedJob {
  id: string;
  specIndex: number | null;
  name: string;
}

/**
 * Job records from sacct rows: one per job line, with every node of its NodeList and its totals over them (CPUs and
 * memory: sacct's job line has the job's totals); TotalCPU summed over the job's steps (the batch step and, in a
 * job of several tasks, the srun step of its tasks) and MaxRSS the largest of any step (sacct's job line lacks
 * MaxRSS). Jobs submitted but absent from accounting are returned in `missing`.
 */
export function jobRecords(
  rows: readonly SacctRow[],
  submitted: readonly SubmittedJob[],
  metrics: Record<string, Record<string, number>> = {},
  precise: Record<string, PreciseTimes> = {},
): { jobs: JobRecord[]; missing: SubmittedJob[] } {
  const steps = new Map<string, SacctRow[]>();
  const jobLines = new Map<string, SacctRow>();
  for (const row of rows) {
    const dot = row.JobID.indexOf('.');
    if (dot < 0) jobLines.set(row.JobID, row);
    else {
      const id = row.JobID.slice(0, dot);
      steps.set(id, [...(steps.get(id) ?? []), row]);
    }
  }
  const jobs: JobRecord[] = [];
  const missing: SubmittedJob[] = [];
  for (const sub of submitted) {
    const row = jobLines.get(sub.id);
    if (row === undefined || row.Submit === null) {
      missing.push(sub);
      continue;
    }
    const jobSteps = steps.get(sub.id) ?? [];
    const stepCpu = jobSteps.map((s) => parseDuration(s.TotalCPU)).filter((v): v is number => v !== null);
    const rss = [row, ...jobSteps].map((s) => parseSizeMiB(s.MaxRSS)).filter((v): v is number => v !== null);
    const { exitCode, signal } = parseExitCode(row.ExitCode);
    const started = row.Start !== null;
    const nodes = started ? expandHostlist(row.NodeList) : [];
    const requestedCpus = Math.max(1, row.ReqCPUS ?? 1);
    jobs.push(
      JobRecord.parse({
        id: sub.id,
        name: row.JobName,
        specIndex: sub.specIndex,
        state: normaliseState(row.State),
        rawState: row.State,
        exitCode: started ? exitCode : null,
        signal,
        submitTime: row.Submit,
        eligibleTime: row.Eligible,
        startTime: row.Start,
        endTime: row.End,
        elapsedSeconds: started ? (row.ElapsedRaw ?? parseDuration(row.Elapsed)) : null,
        requestedCpus,
        requestedMemoryMiB: requestedMemoryTotalMiB(row.ReqMem, nodes.length, requestedCpus) ?? 0,
        allocatedCpus: row.AllocCPUS,
        nodes,
        totalCpuSeconds:
          stepCpu.length > 0 ? stepCpu.reduce((a, b) => a + b, 0) : parseDuration(row.TotalCPU),
        maxRssMiB: rss.length > 0 ? Math.max(...rss) : null,
        metrics: metrics[sub.id] ?? {},
        precise: precise[sub.id] ?? null,
      }),
    );
  }
  return { jobs, missing };
}

function num(text: string, re: RegExp): number | null {
  const m = re.exec(text);
  return m === null || m[1] === undefined ? null : Number(m[1]);
}

/**
 * `sdiag` text → the neutral statistics core (main and backfill cycles, µs; absent figures — no cycle yet — are
 * null) and, under `extra`, the backfill extras and RPC counts and mean times by message type.
 */
export function parseSdiag(text: string, time: string, phase: SchedulerStats['phase']): SchedulerStats {
  const bfStart = text.indexOf('Backfilling stats');
  const rpcStart = text.indexOf('Remote Procedure Call statistics by message type');
  const main = bfStart >= 0 ? text.slice(0, bfStart) : text;
  const backfill = bfStart >= 0 ? text.slice(bfStart, rpcStart >= 0 ? rpcStart : undefined) : '';
  const rpcText =
    rpcStart >= 0 ? text.slice(rpcStart, text.indexOf('Remote Procedure Call statistics by user')) : '';
  const rpcs = [...rpcText.matchAll(/^\s*(\S+)\s+\(\s*\d+\)\s+count:(\d+)\s+ave_time:(\d+)/gm)].map((m) => ({
    type: m[1] ?? '',
    count: Number(m[2]),
    meanUs: Number(m[3]),
  }));
  const extra: Record<string, number> = {};
  const backfillLast = num(backfill, /^\s*Last cycle:\s+(\d+)/m);
  const backfillDepth = num(backfill, /^\s*Depth Mean:\s+(\d+)/m);
  if (backfillLast !== null) extra['backfill.lastUs'] = backfillLast;
  if (backfillDepth !== null) extra['backfill.meanDepth'] = backfillDepth;
  // What slurmctld had cost when the snapshot was taken (scripts/lib.sh, ctld_cost): CPU seconds since it started, RSS.
  const cost = /^schedbench slurmctld: cpu_ticks=(\d+) ticks_per_second=(\d+) rss_kib=(\d+)$/m.exec(text);
  if (cost !== null) {
    extra['process.cpuSeconds'] = Number(cost[1]) / Math.max(1, Number(cost[2]));
    extra['process.rssMiB'] = Number(cost[3]) / 1024;
  }
  for (const rpc of rpcs) {
    extra[`rpc.${rpc.type}.count`] = rpc.count;
    extra[`rpc.${rpc.type}.meanUs`] = rpc.meanUs;
  }
  return SchedulerStats.parse({
    time,
    phase,
    cycles: num(main, /^\s*Total cycles:\s+(\d+)/m),
    cycleLastUs: num(main, /^\s*Last cycle:\s+(\d+)/m),
    cycleMaxUs: num(main, /^\s*Max cycle:\s+(\d+)/m),
    cycleMeanUs: num(main, /^\s*Mean cycle:\s+(\d+)/m),
    cycleMeanDepth: num(main, /^\s*Mean depth cycle:\s+(\d+)/m),
    backfillCycles: num(backfill, /^\s*Total cycles:\s+(\d+)/m),
    backfillCycleMaxUs: num(backfill, /^\s*Max cycle:\s+(\d+)/m),
    backfillCycleMeanUs: num(backfill, /^\s*Mean cycle:\s+(\d+)/m),
    extra,
  });
}

/** `sinfo -h -N -o '%N|%T|%C'` lines (`;` or newline separated) → per-node allocation. */
export function parseSinfo(text: string): z.infer<typeof SchedulerNodeState>[] {
  return text
    .split(/[\n;]/)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [node = '', state = '', cpus = ''] = l.trim().split('|');
      const m = /^(\d+)\/(\d+)\/(\d+)\/(\d+)$/.exec(cpus);
      if (m === null) throw new Error(`sinfo: not an A/I/O/T cpu field: ${cpus} in ${l}`);
      return SchedulerNodeState.parse({ node, state, allocatedCpus: Number(m[1]), idleCpus: Number(m[2]) });
    });
}
