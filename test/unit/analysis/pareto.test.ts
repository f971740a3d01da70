// Pareto front and ranks against an all-pairs reference, over random point sets with ties and duplicates.
import fc from 'fast-check';
import {
  ParetoInputError,
  paretoFront,
  paretoFrontOf,
  paretoRanks,
  paretoRanksOf,
  parseObjective,
} from '../../../analysis/pareto';

function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strict = false;
  for (let j = 0; j < a.length; j++) {
    if ((a[j] as number) > (b[j] as number)) return false;
    if ((a[j] as number) < (b[j] as number)) strict = true;
  }
  return strict;
}

function naiveFront(points: number[][]): number[] {
  return points.flatMap((p, i) => (points.some((q) => dominates(q, p)) ? [] : [i]));
}

function naiveRanks(points: number[][]): number[] {
  const rank = points.map(() => -1);
  let remaining = points.map((_, i) => i);
  for (let r = 0; remaining.length > 0; r++) {
    const front = remaining.filter(
      (i) => !remaining.some((j) => dominates(points[j] as number[], points[i] as number[])),
    );
    for (const i of front) rank[i] = r;
    remaining = remaining.filter((i) => rank[i] < 0);
  }
  return rank;
}

/** Small integer coordinates make ties and exact duplicates frequent. */
const pointSets = fc
  .integer({ min: 1, max: 6 })
  .chain((m) =>
    fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: m, maxLength: m }), { maxLength: 60 }),
  );

describe('paretoFront', () => {
  it('matches the all-pairs reference (1–6 objectives, ties, duplicates)', () => {
    fc.assert(
      fc.property(pointSets, (pts) => expect(paretoFront(pts)).toEqual(naiveFront(pts))),
      { numRuns: 600 },
    );
  });

  it('matches the reference on continuous values incl. infinities', () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom(Infinity, -Infinity, 0, -0),
    );
    const sets = fc
      .integer({ min: 2, max: 4 })
      .chain((m) => fc.array(fc.array(value, { minLength: m, maxLength: m }), { maxLength: 40 }));
    fc.assert(
      fc.property(sets, (pts) => expect(paretoFront(pts)).toEqual(naiveFront(pts))),
      { numRuns: 300 },
    );
  });

  it('matches the reference on larger sets that exercise the divide and conquer (4 objectives)', () => {
    const big = fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 }), {
      minLength: 33,
      maxLength: 400,
    });
    // Anti-correlated too: points on a plane (x + y + z + w = 27) are all mutually non-dominated.
    const plane = fc
      .array(
        fc.tuple(
          fc.integer({ min: 0, max: 9 }),
          fc.integer({ min: 0, max: 9 }),
          fc.integer({ min: 0, max: 9 }),
        ),
        {
          minLength: 33,
          maxLength: 300,
        },
      )
      .map((ts) => ts.map(([a, b, c]) => [a, b, c, 27 - a - b - c]));
    fc.assert(
      fc.property(fc.oneof(big, plane), (pts) => expect(paretoFront(pts)).toEqual(naiveFront(pts))),
      {
        numRuns: 150,
      },
    );
  });

  it('keeps duplicates of a front point on the front', () => {
    expect(
      paretoFront([
        [1, 2],
        [1, 2],
        [2, 1],
        [2, 2],
      ]),
    ).toEqual([0, 1, 2]);
    expect(
      paretoFront([
        [1, 1, 1],
        [1, 1, 1],
        [0, 2, 1],
      ]),
    ).toEqual([0, 1, 2]);
  });

  it('handles empty input and one point', () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([[3, 4, 5]])).toEqual([0]);
  });
});

describe('paretoRanks', () => {
  it('matches repeated peeling of fronts (1–6 objectives, ties, duplicates)', () => {
    fc.assert(
      fc.property(pointSets, (pts) => expect(paretoRanks(pts)).toEqual(naiveRanks(pts))),
      { numRuns: 600 },
    );
  });

  it('ranks a chain', () => {
    expect(
      paretoRanks([
        [3, 3],
        [1, 1],
        [2, 2],
        [1, 1],
      ]),
    ).toEqual([2, 0, 1, 0]);
  });
});

describe('objectives with directions', () => {
  const rows = [
    { makespanSeconds: 10, utilisationAllocated: 0.5 },
    { makespanSeconds: 12, utilisationAllocated: 0.9 },
    { makespanSeconds: 12, utilisationAllocated: 0.4 },
  ];
  const objectives = [parseObjective('makespanSeconds:min'), parseObjective('utilisationAllocated:max')];

  it('maximises max objectives', () => {
    expect(paretoFrontOf(rows, objectives)).toEqual([0, 1]);
    expect(paretoRanksOf(rows, objectives)).toEqual([0, 0, 1]);
  });

  it('rejects NaN and missing values naming the run', () => {
    const bad = [...rows, { makespanSeconds: Number.NaN, utilisationAllocated: 1 }];
    expect(() => paretoFrontOf(bad, objectives, (i) => `run r${i}`)).toThrow(
      new ParetoInputError('run r3: objective makespanSeconds is NaN'),
    );
    const missing = [...rows, { makespanSeconds: 1 }];
    expect(() => paretoFrontOf(missing, objectives, (i) => `run r${i}`)).toThrow(
      'run r3: objective utilisationAllocated is missing',
    );
  });

  it('rejects malformed objectives', () => {
    expect(() => parseObjective('makespan')).toThrow('must be <name>:min or <name>:max');
    expect(parseObjective('a:b:max')).toEqual({ metric: 'a:b', direction: 'max' });
  });
});
