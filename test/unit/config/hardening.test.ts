// Stack names that could escape paths are refused, different stacks never share a
// cluster name, and config keys that would be silently ignored or silently resolved are refused by name.
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseConfig } from '../../../components/config/parse';
import { assertStackName, clusterNameFor, SAFE_NAME } from '../../../components/config/names';
import { readStackFile } from '../../../components/config/stackfile';

const base = {
  'schedbench:scheduler': 'slurm',
  'schedbench:profile': 'small',
  'schedbench:backend': { type: 'netns' },
};

function errorsOf(raw: Record<string, unknown>, stack = 'sec-test') {
  const result = parseConfig(raw, stack);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.errors;
}

describe('stack names', () => {
  it.each(['../../x', 'a/b', '..', 'a..b', '.', 'a b', 'x;rm', ''])('refuses %j', (stack) => {
    expect(() => assertStackName(stack)).toThrow(/stack name/);
    expect(errorsOf(base, stack).map((e) => e.key)).toContain('stack');
  });

  it.each(['local', 'perlmutter', 'a_b', 'A-B', 'a.b', 'sec.v1_2-x'])('accepts %j', (stack) => {
    expect(assertStackName(stack)).toBe(stack);
    expect(parseConfig(base, stack).ok).toBe(true);
  });

  it('a stack file whose name would escape is refused naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sec-stack-'));
    const file = path.join(dir, 'Pulumi.a..b.yaml');
    writeFileSync(file, 'config: {}\n');
    expect(() => readStackFile(file)).toThrow(`${file}: stack name "a..b" must not be '.' or contain '..'`);
    expect(() => readStackFile(path.join(dir, 'Pulumi.ok.yaml'), '../../x')).toThrow(/stack name/);
  });
});

describe('cluster names of different stacks', () => {
  it('a_b, A-B and a.b get three different, safe cluster names', () => {
    const names = ['a_b', 'A-B', 'a.b', 'a-b'].map(clusterNameFor);
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(SAFE_NAME);
    expect(clusterNameFor('a-b')).toBe('a-b');
    expect(clusterNameFor('local')).toBe('local');
  });

  it('long and odd stack names still give safe, distinct names of at most 20 characters', () => {
    const stacks = [
      'a-very-long-stack-name-indeed-1',
      'a-very-long-stack-name-indeed-2',
      '123',
      '___',
      'Local',
    ];
    const names = stacks.map(clusterNameFor);
    expect(new Set(names).size).toBe(stacks.length);
    for (const name of names) expect(name).toMatch(SAFE_NAME);
  });

  it('the resolved config carries the distinct name', () => {
    const a = parseConfig(base, 'a_b');
    const b = parseConfig(base, 'a.b');
    if (!a.ok || !b.ok) throw new Error('expected valid configs');
    expect(a.config.clusterName).not.toBe(b.config.clusterName);
  });
});

describe('keys that would be ignored or resolved silently', () => {
  it('refuses a near-miss namespace, suggesting ours', () => {
    const errors = errorsOf({ ...base, 'schedbnch:repetitions': 3 });
    expect(errors).toEqual([
      {
        key: 'schedbnch:repetitions',
        value: '3',
        message:
          'unknown namespace "schedbnch"; did you mean "schedbench:repetitions"? (it would be ignored)',
      },
    ]);
  });

  it('leaves other namespaces (providers) alone', () => {
    expect(parseConfig({ ...base, 'command:foo': 1, 'kubernetes:context': 'x' }, 'sec-ns').ok).toBe(true);
  });

  it('refuses the same key in two spellings, naming both', () => {
    const errors = errorsOf({ ...base, repetitions: 2, 'schedbench:repetitions': 3 });
    expect(errors.map((e) => e.message)).toEqual([
      'given twice, as "repetitions" and as "schedbench:repetitions"; keep one',
    ]);
  });

  it('a misspelt required key is named with "did you mean"', () => {
    const errors = errorsOf({ ...base, 'schedbench:backend': { typx: 'netns' } });
    const error = errors.find((e) => e.key === 'schedbench:backend.type');
    expect(error?.message).toContain('schedbench:backend.typx is given: did you mean "type"?');
  });
});
