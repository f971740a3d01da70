// The Lublin–Feitelson workload model (U. Lublin, D. G. Feitelson, "The workload on parallel supercomputers:
// modeling the characteristics of rigid jobs", J. Parallel & Distributed Computing 63(11), 2003) as a seeded
// generator of SWF jobs: sizes (serial share, power-of-two share, a two-stage uniform on log2 size), run times (a
// hyper-Gamma on ln run time whose mixing probability falls with size) and arrivals (Gamma inter-arrival times on a
// daily cycle). Batch jobs only.
//
// The defaults and the procedure follow the authors' reference program, m_lublin99.c, published with the paper on
// the Parallel Workloads Archive (https://www.cs.huji.ac.il/labs/parallel/workload/models.html#lublin99); each
// default below names the constant it is. Written anew in TypeScript; the Gamma sampler is Marsaglia–Tsang
// (gamma.ts), not the program's. Pure given the seed.
import { z } from 'zod';
import { gammaCdf, sampleGamma } from './gamma';
import { seededRandom, type Random } from './random';
import type { SwfHeader, SwfJob } from './swf-format';
import { swfHeader } from './swf-header';

/** The model's parameters, named as the paper and m_lublin99.c name them. */
export const LublinParameters = z.strictObject({
  // Job sizes: serial with probability serialProb; otherwise log2(size) from a two-stage uniform — U(uLow, uMed)
  // with probability uProb, else U(uMed, uHi) — rounded to a whole power of two for a pow2Prob share of all jobs.
  /** Share of serial (one-processor) jobs. SERIAL_PROB_BATCH = 0.2927. */
  serialProb: z.number().min(0).max(1),
  /** Share of all jobs whose size is a power of two (≥ 2). POW2_PROB_BATCH = 0.6686. */
  pow2Prob: z.number().min(0).max(1),
  /** log2 of the smallest parallel job. ULOW_BATCH = 1.2 (2 processors, with a little less weight). */
  uLow: z.number().min(0),
  /** Where the two uniforms meet (the program asks for uHi − 3.5 … uHi − 1.5). UMED_BATCH = 5. */
  uMed: z.number().min(0),
  /** log2 of the machine's size. UHI_BATCH = 7 (128 processors); the generator sets it from --nodes. */
  uHi: z.number().min(0),
  /** Probability of the first uniform (0.7 … 0.95). UPROB_BATCH = 0.875. */
  uProb: z.number().min(0).max(1),
  // Run times: ln(run time) ~ Gamma(a1, b1) with probability p = pa · size + pb (kept in [0, 1]), else
  // Gamma(a2, b2): short jobs are likelier on few processors (pa < 0).
  /** Shape of the first Gamma. A1_BATCH = 6.57. */
  a1: z.number().positive(),
  /** Scale of the first Gamma. B1_BATCH = 0.823. */
  b1: z.number().positive(),
  /** Shape of the second Gamma. A2_BATCH = 639.1. */
  a2: z.number().positive(),
  /** Scale of the second Gamma. B2_BATCH = 0.0156. */
  b2: z.number().positive(),
  /** Slope of the mixing probability in the job's size. PA_BATCH = −0.003. */
  pa: z.number(),
  /** Intercept of the mixing probability. PB_BATCH = 0.6986. */
  pb: z.number(),
  // Arrivals: ln(inter-arrival seconds at rush hour) ~ Gamma(aArr · arar, bArr), spread over the day by the
  // share of arrivals in each half hour, which follows Gamma(aNum, bNum) over half-hour buckets.
  /** Shape of the rush-hour inter-arrival Gamma. AARR_BATCH = 6.0415. */
  aArr: z.number().positive(),
  /** Scale of the rush-hour inter-arrival Gamma. BARR_BATCH = 0.8531. */
  bArr: z.number().positive(),
  /** Shape of the daily-cycle Gamma. ANUM_BATCH = 6.1271. */
  aNum: z.number().positive(),
  /** Scale of the daily-cycle Gamma. BNUM_BATCH = 5.2740. */
  bNum: z.number().positive(),
  /** Arrive-rush-to-all ratio: turns the rush-hour shape into the whole day's. ARAR_BATCH = 1.0519. */
  arar: z.number().positive(),
});
export type LublinParameters = z.infer<typeof LublinParameters>;

/** The batch-job parameters of m_lublin99.c (its *_BATCH constants), for its 128-processor machine. */
export const LUBLIN_BATCH: LublinParameters = {
  serialProb: 0.2927,
  pow2Prob: 0.6686,
  uLow: 1.2,
  uMed: 5,
  uHi: 7,
  uProb: 0.875,
  a1: 6.57,
  b1: 0.823,
  a2: 639.1,
  b2: 0.0156,
  pa: -0.003,
  pb: 0.6986,
  aArr: 6.0415,
  bArr: 0.8531,
  aNum: 6.1271,
  bNum: 5.274,
  arar: 1.0519,
};

/** ln of the longest run time: e¹² s, about two days (m_lublin99.c TOO_MUCH_TIME); longer draws are redrawn. */
export const MAX_LN_RUN_SECONDS = 12;
/** ln of the longest inter-arrival gap: e¹³ s, about five days (TOO_MUCH_ARRIVE_TIME); longer draws are redrawn. */
const MAX_LN_GAP_SECONDS = 13;
/** The daily cycle's resolution: half hours (BUCKETS). */
const BUCKETS = 48;
const BUCKET_SECONDS = (24 * 3600) / BUCKETS;
/** The bucket the fitted daily curve starts from, 1-based: 05:00 (CYCLIC_DAY_START). */
const CYCLIC_DAY_START = 11;

/**
 * The batch defaults sized for a machine of `nodes` processors: uHi = log2(nodes), uMed kept the defaults' 2 below
 * it (midway between uLow and uHi when that would fall under uLow), uLow no higher than uHi.
 */
export function lublinParametersFor(
  nodes: number,
  overrides: Partial<LublinParameters> = {},
): LublinParameters {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`lublin: ${nodes} nodes; at least 1`);
  const uHi = Math.log2(nodes);
  const uLow = Math.min(LUBLIN_BATCH.uLow, uHi);
  const belowTop = uHi - (LUBLIN_BATCH.uHi - LUBLIN_BATCH.uMed);
  const uMed = belowTop >= uLow ? belowTop : (uLow + uHi) / 2;
  return LublinParameters.parse({ ...LUBLIN_BATCH, uHi, uLow, uMed, ...overrides });
}

/** A job's size: 1, a power of two, or any whole number, never above the machine's `nodes`. */
export function jobSize(random: Random, p: LublinParameters, nodes: number): number {
  const u = random.uniform();
  if (u <= p.serialProb || nodes === 1) return 1;
  const inFirst = random.uniform() <= p.uProb;
  const [low, high] = inFirst ? [p.uLow, p.uMed] : [p.uMed, p.uHi];
  const log2Size = low + random.uniform() * (high - low);
  if (u <= p.serialProb + p.pow2Prob) {
    // Rounding log2 up can pass a machine that is not a power of two: the largest power of two that fits, then.
    const exponent = Math.min(Math.round(log2Size), Math.floor(Math.log2(nodes)));
    return 2 ** Math.max(1, exponent);
  }
  return Math.min(nodes, Math.max(1, Math.round(2 ** log2Size)));
}

/** A job's run time in whole seconds (≥ 1), its hyper-Gamma mixing probability set by its size. */
export function runSeconds(random: Random, p: LublinParameters, size: number): number {
  const first = Math.min(1, Math.max(0, p.pa * size + p.pb));
  for (;;) {
    const lnSeconds =
      random.uniform() <= first ? sampleGamma(random, p.a1, p.b1) : sampleGamma(random, p.a2, p.b2);
    if (lnSeconds <= MAX_LN_RUN_SECONDS) return Math.floor(Math.exp(lnSeconds));
  }
}

/** Each half hour's weight in the daily cycle, averaging 1 (arrive_init in m_lublin99.c). */
export function dailyWeights(p: LublinParameters): number[] {
  const weights = new Array<number>(BUCKETS).fill(0);
  for (let i = CYCLIC_DAY_START; i < CYCLIC_DAY_START + BUCKETS; i++)
    weights[(i - 1) % BUCKETS] = gammaCdf(i + 0.5, p.aNum, p.bNum) - gammaCdf(i - 0.5, p.aNum, p.bNum);
  const mean = weights.reduce((a, b) => a + b, 0) / BUCKETS;
  return weights.map((w) => w / mean);
}

/**
 * Arrival times on the daily cycle, from midnight of day 0: each rush-hour gap, e^Gamma seconds, buys "points"
 * that each half hour charges by its weight, so quiet hours stretch gaps and busy ones shrink them
 * (calc_next_arrive in m_lublin99.c).
 */
export class ArrivalClock {
  private readonly weights: number[];
  private bucket = 0;
  private points = 0;
  private remainder = 0;
  private seconds = 0;

  constructor(
    private readonly random: Random,
    private readonly p: LublinParameters,
  ) {
    this.weights = dailyWeights(p);
    this.advance();
  }

  /** The next job's arrival, in seconds from the start. */
  next(): number {
    const at = this.seconds;
    this.advance();
    return at;
  }

  private weight(): number {
    return this.weights[this.bucket] ?? 1;
  }

  private advance(): void {
    let lnGap: number;
    do lnGap = sampleGamma(this.random, this.p.aArr * this.p.arar, this.p.bArr);
    while (lnGap > MAX_LN_GAP_SECONDS);
    this.points += Math.exp(lnGap) / BUCKET_SECONDS;
    let gap = 0;
    while (this.points > this.weight()) {
      this.points -= this.weight();
      this.bucket = (this.bucket + 1) % BUCKETS;
      gap += BUCKET_SECONDS;
    }
    const remainder = this.points / this.weight();
    gap += BUCKET_SECONDS * (remainder - this.remainder);
    this.remainder = remainder;
    this.seconds += gap;
  }
}

export interface LublinRequest {
  /** How many jobs. */
  jobs: number;
  /** The machine's size in processors (the model's "nodes"): the largest job. */
  nodes: number;
  /** The seed of every draw (0 … 2³² − 1). */
  seed: number;
  /** Parameters to change from the batch defaults sized for `nodes`. */
  parameters?: Partial<LublinParameters>;
}

/** The header the generator writes: the model, its parameters and the seed, so a log says how it was made. */
function modelHeader(request: LublinRequest, p: LublinParameters): SwfHeader {
  const parameters = Object.entries(p)
    .map(([name, value]) => `${name}=${Number(value.toPrecision(6))}`)
    .join(' ');
  return swfHeader([
    ['Version', '2.2'],
    ['Computer', 'Lublin-Feitelson model'],
    ['Installation', 'synthetic (schedbench trace generate)'],
    ['Acknowledge', 'Uri Lublin and Dror G. Feitelson, Hebrew University'],
    ['Information', 'https://www.cs.huji.ac.il/labs/parallel/workload/models.html#lublin99'],
    ['MaxJobs', request.jobs],
    ['MaxRecords', request.jobs],
    ['MaxNodes', request.nodes],
    ['MaxProcs', request.nodes],
    ['MaxRuntime', Math.floor(Math.exp(MAX_LN_RUN_SECONDS))],
    ['Model', 'Lublin & Feitelson 2003 (JPDC 63(11)), batch jobs, defaults of m_lublin99.c'],
    ['Parameters', parameters],
    ['Seed', request.seed],
    ['Note', 'submit times count from midnight of the first day of the model'],
  ]);
}

/** `jobs` jobs of the model on a machine of `nodes` processors, from `seed`: the same request, the same jobs. */
export function generateLublin(request: LublinRequest): { header: SwfHeader; jobs: SwfJob[] } {
  if (!Number.isInteger(request.jobs) || request.jobs < 1)
    throw new Error(`lublin: ${request.jobs} jobs; at least 1`);
  const p = lublinParametersFor(request.nodes, request.parameters);
  const random = seededRandom(request.seed);
  const clock = new ArrivalClock(random, p);
  const jobs: SwfJob[] = [];
  for (let i = 0; i < request.jobs; i++) {
    const submitSeconds = Math.floor(clock.next());
    const size = jobSize(random, p, request.nodes);
    jobs.push({
      ...UNMODELLED,
      jobNumber: i + 1,
      submitSeconds,
      runSeconds: runSeconds(random, p, size),
      allocatedProcessors: size,
    });
  }
  return { header: modelHeader(request, p), jobs };
}

/** What the model does not say about a job (m_lublin99.c writes -1 there), but completed, in the batch queue. */
const UNMODELLED = {
  waitSeconds: null,
  averageCpuSeconds: null,
  usedMemoryKiB: null,
  requestedProcessors: null,
  requestedSeconds: null,
  requestedMemoryKiB: null,
  status: 1,
  userId: null,
  groupId: null,
  executable: null,
  queue: 1,
  partition: null,
  precedingJob: null,
  thinkSeconds: null,
} as const;
