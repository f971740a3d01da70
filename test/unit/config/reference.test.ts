// The configuration reference (docs/configuration.md, section "Keys") and Pulumi.yaml are checked against the
// schema: no key undocumented, no row for a key the schema does not have.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { configKeyPaths } from '../../../components/config/keys';

const root = path.join(__dirname, '..', '..', '..');
const REFERENCE = path.join(root, 'docs', 'configuration.md');

/** The first cell of every table row of the `## Keys` section, without its backticks. */
function referenceRows(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Keys');
  if (start < 0) throw new Error(`${REFERENCE} has no "## Keys" section`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((l) => l.startsWith('|'))
    .map((l) => l.split('|')[1]?.trim() ?? '')
    .filter((cell) => /^`[^`]+`$/.test(cell))
    .map((cell) => cell.slice(1, -1));
}

describe('configuration reference', () => {
  const keys = configKeyPaths();
  const rows = referenceRows(readFileSync(REFERENCE, 'utf8'));

  it('the schema has key paths to check (the walk over the schema works)', () => {
    expect(keys).toEqual(expect.arrayContaining(['scheduler', 'backend.type', 'profiles.<name>.vcpus']));
  });

  it('docs/configuration.md has a row for every key path of the schema', () => {
    expect(keys.filter((key) => !rows.includes(key))).toEqual([]);
  });

  it('docs/configuration.md has no row for a key the schema does not have, and no key twice', () => {
    expect(rows.filter((row) => !keys.includes(row))).toEqual([]);
    expect(rows.filter((row, i) => rows.indexOf(row) !== i)).toEqual([]);
  });

  it('Pulumi.yaml declares every top-level key with a description', () => {
    const project = parse(readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) as {
      config: Record<string, { description?: string }>;
    };
    const topLevel = keys.filter((k) => !/[.[]/.test(k));
    expect(Object.keys(project.config).sort()).toEqual(topLevel.sort());
    for (const key of topLevel) expect(project.config[key].description?.length ?? 0).toBeGreaterThan(10);
  });
});
