// Parsers of Flux's own output (`flux jobs --json`, `flux jobs --stats-only`, `flux resource list` with
// `{state}|{rlist}`, `flux module stats sched-fluxion-*`) into typed values. Everything goes through zod; Flux's
// times are epoch seconds with a fraction and stay sub-second (µs) in the records.
import { PLAN_FIELDS } from '../jobs/plan';
import { PRIORITIES } from '../jobs/spec';
import { expandHostlist } from '../schedulers/hostlist';
import { z } from 'zod';
import {
  JobRecord,
  JobState,
  SchedulerNodeState,
  SchedulerStats,
  type PreciseTimes,
} from '../../results/schema';

const F58_DIGITS = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A Flux job id (64-bit) as the ASCII f58 form `flux submit` prints with FLUX_F58_FORCE_ASCII (`f…`). */
export function f58(id: bigint): string {
  if (id === 0n) return 'f1';
  let out = '';
  for (let n = id; n > 0n; n /= 58n) out = (F58_DIGITS[Number(n % 58n)] ?? '') + out;
  return `f${out}`;
}

/** `ƒABC` (UTF-8 locale) and `fABC` are the same id: the ASCII form. */
export function asciiJobId(id: string): string {
  return id.startsWith('ƒ') ? `f${id.slice(1)}` : id;
}

/** Epoch seconds → ISO-8601 UTC with µs (Date keeps ms only). */
export function epochToIsoMicro(t: number): string {
  const us = Math.round(t * 1e6);
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}${String(us - ms * 1000).padStart(3, '0')}Z`;
}

/** Expand an RFC 22 idset (`0-2,5`) into numbers. */
export function expandIdset(text: string): number[] {
  const s = text.trim().replace(/^\[|\]$/g, '');
  if (s === '') return [];
  return s.split(',').flatMap((range) => {
    const r = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (r === null) throw new Error(`not an idset: ${text}`);
    const from = Number(r[1]);
    const to = r[2] === undefined ? from : Number(r[2]);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

const time = z.number().nonnegative().optional();

/**
 * One job of `flux jobs --json` (the fields schedbench reads; Flux adds fields between versions, so the rest
 * pass). `id` arrives as a 64-bit integer: `parseFluxJobs` turns it into a decimal string before JSON.parse.
 */
export const FluxJob = z.looseObject({
  id: z.string().regex(/^\d+$/),
  name: z.string().optional(),
  state: z.string(),
  result: z.string().optional(),
  returncode: z.number().int().optional(),
  waitstatus: z.number().int().optional(),
  success: z.boolean().optional(),
  exception_occurred: z.boolean().optional(),
  exception_type: z.string().optional(),
  exception_note: z.string().optional(),
  /** How flux-core 0.88 prints it: `{"occurred":false}` or `{"occurred":true,"severity":0,"type":…,"note":…}`. */
  exception: z
    .looseObject({ occurred: z.boolean(), type: z.string().optional(), note: z.string().optional() })
    .optional(),
  t_submit: z.number().positive(),
  t_depend: time,
  t_run: time,
  t_cleanup: time,
  t_inactive: time,
  ncores: z.number().int().nonnegative().optional(),
  ntasks: z.number().int().nonnegative().optional(),
  nnodes: z.number().int().nonnegative().optional(),
  ranks: z.string().optional(),
  nodelist: z.string().optional(),
});
export type FluxJob = z.infer<typeof FluxJob>;

/** `flux jobs --json` text: `{"jobs":[…]}` for several ids, one object for a single id. */
export function parseFluxJobs(text: string): FluxJob[] {
  // A job id does not fit a double: quote it before JSON.parse so no digit is lost.
  const quoted = text.replace(/"id":\s*(\d+)/g, '"id": "$1"');
  const value: unknown = JSON.parse(quoted);
  const list = z.looseObject({ jobs: z.array(FluxJob) }).safeParse(value);
  const jobs = list.success ? list.data.jobs : [FluxJob.parse(value)];
  // The nested exception object (flux-core 0.88) → the flat fields the rest reads.
  return jobs.map((j) =>
    j.exception === undefined
      ? j
      : {
          ...j,
          exception_occurred: j.exception_occurred ?? j.exception.occurred,
          ...(j.exception.type === undefined ? {} : { exception_type: j.exception_type ?? j.exception.type }),
          ...(j.exception.note === undefined ? {} : { exception_note: j.exception_note ?? j.exception.note }),
        },
  );
}

/** Flux's state and result (and exception) → the normalised JobState. */
export function normaliseState(
  job: Pick<FluxJob, 'state' | 'result' | 'exception_type' | 'exception_note'>,
): JobState {
  switch (job.state) {
    case 'NEW':
    case 'DEPEND':
    case 'PRIORITY':
    case 'SCHED':
      return 'PENDING';
    case 'RUN':
    case 'CLEANUP':
      return 'RUNNING';
    case 'INACTIVE':
      break;
    default:
      return 'UNKNOWN';
  }
  switch (job.result) {
    case 'COMPLETED':
      return 'COMPLETED';
    case 'FAILED':
      // A node (its broker) lost under the job ends it with an exception: flux-core 0.88's job-exec raises type
      // `exec` with the note "node failure on <host> (rank N)" (the fault matrix, test/e2e/flux); other versions
      // name the type itself.
      return job.exception_type === 'node-failure' ||
        job.exception_type === 'lost' ||
        (job.exception_type === 'exec' && /^(node failure|lost contact) /.test(job.exception_note ?? ''))
        ? 'NODE_FAIL'
        : 'FAILED';
    case 'CANCELED':
      return 'CANCELLED';
    case 'TIMEOUT':
      return 'TIMEOUT';
    default:
      return 'UNKNOWN';
  }
}

/** The signal that ended a job: from its wait status, or a shell return code of 128 + signal. */
export function jobSignal(job: Pick<FluxJob, 'waitstatus' | 'returncode'>): number | null {
  if (job.waitstatus !== undefined) {
    const sig = job.waitstatus & 0x7f;
    if (sig !== 0 && sig !== 0x7f) return sig;
  }
  if (job.returncode !== undefined && job.returncode > 128 && job.returncode < 128 + 65)
    return job.returncode - 128;
  return null;
}

/** What one job of a spec asks for in all, from its plan line: CPUs over all its tasks, memory over all its nodes. */
export interface SpecRequest {
  cpus: number;
  memoryMiB: number;
}

const PlanCount = z.coerce.number().int().positive();
/** The numeric head of a plan line and its priority (a line of an older plan, without them, fails). */
const PlanLine = z.object({
  specIndex: z.coerce.number().int().nonnegative(),
  nodes: PlanCount,
  tasksPerNode: PlanCount,
  cpus: PlanCount,
  memoryMiB: z.coerce.number().nonnegative(),
  priority: z.enum(PRIORITIES),
});

/**
 * The plan collect.sh echoes (components/jobs/plan.ts renderPlan) → what one job of each spec index requested:
 * nodes × tasksPerNode × cpus CPUs and memoryMiB (per node) × nodes. A line that is not a plan line is skipped.
 */
export function planRequests(plan: string): Map<number, SpecRequest> {
  const out = new Map<number, SpecRequest>();
  for (const line of plan.split('\n')) {
    const f = line.trim().split(/\s+/);
    const parsed = PlanLine.safeParse(Object.fromEntries(PLAN_FIELDS.map((name, i) => [name, f[i]])));
    if (!parsed.success) continue;
    const p = parsed.data;
    out.set(p.specIndex, { cpus: p.nodes * p.tasksPerNode * p.cpus, memoryMiB: p.memoryMiB * p.nodes });
  }
  return out;
}

/** What the runner knows of a submitted job. */
export interface SubmittedJob {
  id: string;
  specIndex: number | null;
  name: string;
}

/**
 * Job records from `flux jobs --json`, one per submitted job; submitted jobs Flux has no record of are `missing`.
 * A job's nodes are every node of its nodelist; its requested CPUs and memory are its spec's totals (planRequests),
 * its allocated CPUs the cores of its R over all its nodes (`ncores`).
 */
export function jobRecords(
  fluxJobs: readonly FluxJob[],
  submitted: readonly SubmittedJob[],
  requestsBySpec: ReadonlyMap<number, SpecRequest>,
  metrics: Record<string, Record<string, number>> = {},
  precise: Record<string, PreciseTimes> = {},
): { jobs: JobRecord[]; missing: SubmittedJob[] } {
  const byId = new Map(fluxJobs.map((j) => [f58(BigInt(j.id)), j]));
  const jobs: JobRecord[] = [];
  const missing: SubmittedJob[] = [];
  for (const sub of submitted) {
    const id = asciiJobId(sub.id);
    const j = byId.get(id);
    if (j === undefined) {
      missing.push(sub);
      continue;
    }
    const started = j.t_run !== undefined && j.t_run > 0;
    const end = j.t_cleanup ?? j.t_inactive;
    const state = normaliseState(j);
    const request = sub.specIndex === null ? undefined : requestsBySpec.get(sub.specIndex);
    jobs.push(
      JobRecord.parse({
        id,
        name: j.name ?? sub.name,
        specIndex: sub.specIndex,
        state,
        rawState:
          j.state === 'INACTIVE'
            ? `${j.result ?? 'INACTIVE'}${j.exception_type ? ` (${j.exception_type})` : ''}`
            : j.state,
        exitCode: started ? (j.returncode ?? null) : null,
        signal: started ? jobSignal(j) : null,
        submitTime: epochToIsoMicro(j.t_submit),
        eligibleTime: j.t_depend === undefined ? null : epochToIsoMicro(j.t_depend),
        startTime: started && j.t_run !== undefined ? epochToIsoMicro(j.t_run) : null,
        endTime: started && end !== undefined ? epochToIsoMicro(end) : null,
        elapsedSeconds:
          started && j.t_run !== undefined && end !== undefined ? Math.max(0, end - j.t_run) : null,
        requestedCpus: request?.cpus ?? Math.max(1, j.ncores ?? 1),
        requestedMemoryMiB: request?.memoryMiB ?? 0,
        allocatedCpus: started ? (j.ncores ?? null) : null,
        nodes: started ? expandHostlist(j.nodelist ?? '') : [],
        // Flux accounts no CPU time or RSS per job without its cgroup-based accounting.
        totalCpuSeconds: null,
        maxRssMiB: null,
        metrics: metrics[id] ?? {},
        precise: precise[id] ?? null,
      }),
    );
  }
  return { jobs, missing };
}

/** `flux jobs --stats-only`: `R running, C completed, F failed, P pending[, …]` → pending and running counts. */
export function parseJobStats(text: string): { pending: number; running: number } {
  const count = (what: string): number => Number(new RegExp(`(\\d+) ${what}`).exec(text)?.[1] ?? 0);
  return { pending: count('pending'), running: count('running') };
}

/**
 * Cores per rank of an Rlist string (`rank[0-1]/core[0-3] rank2/core0`, as `flux resource list -o {rlist}`
 * prints it) → rank → core count.
 */
export function rlistCores(rlist: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of rlist.matchAll(/rank(\[[^\]]*\]|\d+)\/core(\[[^\]]*\]|\d+)/g)) {
    const cores = expandIdset(m[2] ?? '').length;
    for (const rank of expandIdset(m[1] ?? '')) out.set(rank, (out.get(rank) ?? 0) + cores);
  }
  return out;
}

/**
 * `flux resource list -s free,allocated,down -no '{state}|{rlist}'` lines (`;` or newline separated) → per-node
 * allocation; ranks are named by `ranks` (rank order = the bootstrap hosts order).
 */
export function parseResourceList(
  text: string,
  ranks: readonly string[],
): z.infer<typeof SchedulerNodeState>[] {
  const nodes = new Map<number, { state: string; allocated: number; free: number }>();
  for (const line of text.split(/[\n;]/)) {
    const [state = '', rlist = ''] = line.trim().split('|');
    if (state === '') continue;
    for (const [rank, cores] of rlistCores(rlist)) {
      const n = nodes.get(rank) ?? { state: 'free', allocated: 0, free: 0 };
      if (state === 'allocated') n.allocated += cores;
      else if (state === 'free') n.free += cores;
      if (state === 'down') n.state = 'down';
      else if (state === 'allocated' && n.state !== 'down') n.state = 'allocated';
      nodes.set(rank, n);
    }
  }
  return [...nodes]
    .sort(([a], [b]) => a - b)
    .map(([rank, n]) =>
      SchedulerNodeState.parse({
        node: ranks[rank] ?? `rank${rank}`,
        state: n.state === 'allocated' && n.free > 0 ? 'mixed' : n.state,
        allocatedCpus: n.allocated,
        idleCpus: n.free,
      }),
    );
}

/** A module's `flux module stats` JSON: numbers kept, nested objects flattened with dots. */
function flatten(value: unknown, prefix: string, out: Record<string, number>): void {
  // Job ids (64-bit) do not survive a double, and are no figure.
  if (prefix.endsWith('jobid')) return;
  if (typeof value === 'number' && Number.isFinite(value)) out[prefix] = value;
  else if (typeof value === 'boolean') out[prefix] = value ? 1 : 0;
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
}

const Json = z.string().transform((s, ctx): unknown => {
  try {
    return s.trim() === '' ? {} : (JSON.parse(s) as unknown);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not JSON: ${s.slice(0, 80)}` });
    return z.NEVER;
  }
});

const MatchFigures = z.looseObject({
  njobs: z.number().optional(),
  stats: z.looseObject({ max: z.number().optional(), avg: z.number().optional() }).optional(),
});
/** Fluxion's match statistics as `flux module stats sched-fluxion-resource` prints them (the fields we read). */
const ResourceStats = z.looseObject({
  match: z.looseObject({ succeeded: MatchFigures.optional(), failed: MatchFigures.optional() }).optional(),
});

/**
 * One stats snapshot (qmanager and resource module stats, queue status) → the neutral core (Fluxion has no
 * scheduling-cycle counter; its match loop is per job: `cycles` = successful matches, times in µs from Fluxion's
 * seconds) and every numeric figure under `extra` as `qmanager.<path>` / `resource.<path>`.
 */
export function parseFluxionStats(
  snapshot: { qmanager: string; resource: string; queue: string },
  time: string,
  phase: SchedulerStats['phase'],
): SchedulerStats {
  const extra: Record<string, number> = {};
  const qmanager = Json.parse(snapshot.qmanager);
  const resource = Json.parse(snapshot.resource);
  flatten(qmanager, 'qmanager', extra);
  flatten(resource, 'resource', extra);
  const matched = ResourceStats.safeParse(resource);
  const m = matched.success ? matched.data.match?.succeeded : undefined;
  const us = (s: number | undefined) => (s === undefined ? null : s * 1e6);
  if (/disabled|stopped/i.test(snapshot.queue)) extra['queue.stopped'] = 1;
  return SchedulerStats.parse({
    time,
    phase,
    cycles: m?.njobs ?? null,
    cycleLastUs: null,
    cycleMaxUs: us(m?.stats?.max),
    cycleMeanUs: us(m?.stats?.avg),
    cycleMeanDepth: null,
    backfillCycles: null,
    backfillCycleMaxUs: null,
    backfillCycleMeanUs: null,
    extra,
  });
}

export { expandHostlist };
