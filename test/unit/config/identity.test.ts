// Identity: the config hash ignores key order, formatting, comments and explicit defaults; it changes with any value.
import fc from 'fast-check';
import { parse } from 'yaml';
import { canonicalJson, configHash } from '../../../components/config/identity';
import { formatRunId as runId, utcStamp } from '../../../results/vocabulary';
import { loadConfig } from '../../../components/config/parse';
import { BenchConfig } from '../../../components/config/schema';

const base = {
  'schedbench:scheduler': 'slurm',
  'schedbench:profile': 'small',
  'schedbench:backend': { type: 'netns' },
  'schedbench:repetitions': 2,
};

const hashOf = (raw: Record<string, unknown>) => configHash(loadConfig(raw, 'local'));

describe('config hash', () => {
  it('does not change with key order', () => {
    const reversed = Object.fromEntries(Object.entries(base).reverse());
    expect(hashOf(reversed)).toBe(hashOf(base));
  });

  it('does not change with YAML formatting or comments', () => {
    const compact = parse(
      'config: {schedbench:scheduler: slurm, schedbench:profile: small, schedbench:backend: {type: netns}, schedbench:repetitions: 2}',
    );
    const spread = parse(`
config:
  # a comment
  schedbench:repetitions:   2   # another
  schedbench:backend:
      type: "netns"
  schedbench:profile: 'small'
  schedbench:scheduler: slurm
`);
    expect(hashOf(compact.config)).toBe(hashOf(spread.config));
    expect(hashOf(compact.config)).toBe(hashOf(base));
  });

  it('does not change when a default is written out', () => {
    expect(
      hashOf({ ...base, 'schedbench:idleGapSeconds': 5, 'schedbench:sampling': { intervalMs: 1000 } }),
    ).toBe(hashOf(base));
  });

  it('changes with any value', () => {
    const variants: Record<string, unknown>[] = [
      { ...base, 'schedbench:repetitions': 3 },
      { ...base, 'schedbench:profile': 'medium' },
      { ...base, 'schedbench:scheduler': 'flux' },
      { ...base, 'schedbench:backend': { type: 'netns', subnet: '10.9.9.0/24' } },
      { ...base, 'schedbench:sampling': { intervalMs: 2000 } },
      { ...base, 'schedbench:workloads': ['mixed'] },
    ];
    const hashes = new Set([hashOf(base), ...variants.map(hashOf)]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('changes with any repetitions or gap value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (a, b) => {
        fc.pre(a !== b);
        return (
          hashOf({ ...base, 'schedbench:repetitions': a }) !==
          hashOf({ ...base, 'schedbench:repetitions': b })
        );
      }),
      { numRuns: 50 },
    );
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":0,"y":1}]},"b":1}',
    );
  });
});

describe('run id', () => {
  it('is <UTC YYYYMMDDTHHMMSSZ>_<first 12 hex of the hash>', () => {
    const config: BenchConfig = loadConfig(base, 'local');
    const hash = configHash(config);
    const stamp = utcStamp(new Date(Date.UTC(2026, 10, 26, 8, 1, 2, 345)));
    expect(stamp).toBe('20261126T080102Z');
    expect(runId(stamp, hash)).toBe(`20261126T080102Z_${hash.slice(0, 12)}`);
  });

  it('refuses a malformed stamp', () => {
    expect(() => runId('yesterday', 'a'.repeat(64))).toThrow(/malformed/);
  });
});
