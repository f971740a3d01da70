// The stage library's plan_arrivals (components/stages.sh), run by bash on renderPlan's text, against
// arrivalEvents (components/jobs/plan.ts) on the same specs: one expansion of the arrival pattern, two languages,
// the same submissions to the µs — with gawk and with mawk (Debian's default awk) when present.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'fs';
import fc from 'fast-check';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  arrivalEvents,
  renderPlan,
  type ArrivalEvent,
  type ArrivalMode,
} from '../../../components/jobs/plan';
import type { JobSpec } from '../../../components/jobs/spec';
import { runBash } from './bash';

const spec = (
  count: number,
  offsetSeconds: number,
  intervalSeconds: number,
  args: string[] = [],
): JobSpec => ({
  count,
  nodes: 1,
  tasksPerNode: 1,
  priority: 'normal',
  cpus: 1,
  memoryMiB: 64,
  expectedSeconds: 3,
  kind: args.length > 0 ? 'stress' : 'noop',
  args,
  arrival: { offsetSeconds, intervalSeconds },
});

/** Specs that interleave, with fractional times that do not round trivially, a single job and bursts. */
const SPECS: JobSpec[] = [
  spec(4, 0, 0), // a burst at the start
  spec(5, 0.1, 0.7, ['--cpu', '1', '--timeout', '3s']), // trickles in, between the others
  spec(1, 1.005, 0), // one job
  spec(3, 0.3, 1 / 3), // 0.3333333333333333 s apart
  spec(2, 2.675, 0), // a burst later, at a time awk and JS must round alike
  spec(6, 0.57, 0.29),
  spec(2, 0, 0.5), // at 0 and 0.5, as the burst and spec 1's copies
  explicit([0.1, 0.100001, 2.675, 2.675, 7.123456]), // a seeded random process's draws: one submission each
];

/** A spec whose jobs arrive at explicit offsets (as workloads/expand.ts draws a Poisson process). */
function explicit(offsets: number[]): JobSpec {
  return { ...spec(offsets.length, 0, 0), arrival: { offsetSeconds: 0, intervalSeconds: 0, offsets } };
}

function awkBin(awk: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `schedbench-${awk}-`));
  symlinkSync(`/usr/bin/${awk}`, path.join(dir, 'awk'));
  return dir;
}

function nodeEvents(specs: readonly JobSpec[], mode: ArrivalMode, bin?: string): ArrivalEvent[] {
  const r = runBash('plan_arrivals "$MODE" <<<"$PLAN"', { PLAN: renderPlan(specs, 2), MODE: mode }, { bin });
  expect([r.status, r.stderr]).toEqual([0, '']);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [atMicroseconds, specIndex, firstCopy, copies, lineNumber] = line.split(' ').map(Number);
      return { atMicroseconds, specIndex, firstCopy, copies, lineNumber };
    });
}

const AWKS = ['gawk', 'mawk'].filter((awk) => existsSync(`/usr/bin/${awk}`));
const bins = new Map<string, string>();
beforeAll(() => {
  for (const awk of AWKS) bins.set(awk, awkBin(awk));
});
afterAll(() => {
  for (const dir of bins.values()) rmSync(dir, { recursive: true, force: true });
});

describe.each(AWKS)('plan_arrivals with %s equals arrivalEvents', (awk) => {
  it.each(['each', 'burst'] as const)('mode %s on interleaving specs', (mode) => {
    expect(nodeEvents(SPECS, mode, bins.get(awk))).toEqual(arrivalEvents(SPECS, mode));
  });

  it('on random specs (count, offset and interval of any magnitude, bursts included)', () => {
    const time = fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: 3600, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 40 }).map((n) => n / 20),
    );
    const micro = (t: number): number => Math.round(t * 1e6) / 1e6;
    const drawn = fc
      .array(time, { minLength: 1, maxLength: 6 })
      .map((ts) => explicit(ts.map(micro).sort((a, b) => a - b)));
    const specs = fc.array(
      fc.oneof(
        fc
          .tuple(fc.integer({ min: 1, max: 6 }), time, time)
          .map(([count, offset, interval]) => spec(count, offset, interval)),
        drawn,
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(specs, fc.constantFrom<ArrivalMode>('each', 'burst'), (s, mode) => {
        expect(nodeEvents(s, mode, bins.get(awk))).toEqual(arrivalEvents(s, mode));
      }),
      { numRuns: 40 },
    );
  });
});

describe('the events themselves', () => {
  it('each: one job per submission, ties in plan order (spec line, then copy)', () => {
    const events = arrivalEvents([spec(2, 0, 0.5), spec(2, 0, 0)], 'each');
    expect(events).toEqual([
      { atMicroseconds: 0, specIndex: 0, firstCopy: 0, copies: 1, lineNumber: 0 },
      { atMicroseconds: 0, specIndex: 1, firstCopy: 0, copies: 1, lineNumber: 1 },
      { atMicroseconds: 0, specIndex: 1, firstCopy: 1, copies: 1, lineNumber: 1 },
      { atMicroseconds: 500000, specIndex: 0, firstCopy: 1, copies: 1, lineNumber: 0 },
    ]);
  });

  it('burst: the jobs of a spec arriving together are one submission; trickling ones stay apart', () => {
    expect(arrivalEvents([spec(3, 1.5, 0), spec(2, 1, 1)], 'burst')).toEqual([
      { atMicroseconds: 1000000, specIndex: 1, firstCopy: 0, copies: 1, lineNumber: 1 },
      { atMicroseconds: 1500000, specIndex: 0, firstCopy: 0, copies: 3, lineNumber: 0 },
      { atMicroseconds: 2000000, specIndex: 1, firstCopy: 1, copies: 1, lineNumber: 1 },
    ]);
  });

  it('explicit offsets: one submission per job at its own offset, in burst mode too', () => {
    expect(arrivalEvents([explicit([0, 0, 1.25])], 'burst')).toEqual([
      { atMicroseconds: 0, specIndex: 0, firstCopy: 0, copies: 1, lineNumber: 0 },
      { atMicroseconds: 0, specIndex: 0, firstCopy: 1, copies: 1, lineNumber: 0 },
      { atMicroseconds: 1250000, specIndex: 0, firstCopy: 2, copies: 1, lineNumber: 0 },
    ]);
    expect(renderPlan([explicit([0, 0, 1.25])], 2)).toBe('0 3 0,0,1.25 - 1 1 1 64 1 normal noop');
  });

  it('plan_arrivals refuses a mode it does not know, saying so', () => {
    const r = runBash('plan_arrivals sometimes <<<"0 1 0 0 1 64 1 noop"');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("MODE must be each or burst, got 'sometimes'");
  });
});
