// docs/analysis.md documents every metric with the unit, direction, range, source and definition the code uses, and
// documents no metric the code does not have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '../../../analysis/metrics';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'analysis.md');

/** How the docs write a range: `[0, 1]`, or `≥ 0` without an upper bound. */
const rangeText = ([lower, upper]: readonly [number, number | null]): string =>
  upper === null ? `≥ ${lower}` : `[${lower}, ${upper}]`;

/** Table rows whose first cell is one backticked name: `[name, unit, better, range, source, definition]`. */
function metricRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .filter((cells) => cells.length === 6 && /^`[^`]+`$/.test(cells[0] ?? ''))
    .map(([name = '', ...rest]) => [name.slice(1, -1), ...rest]);
}

describe('docs/analysis.md', () => {
  const rows = metricRows(readFileSync(DOC, 'utf8'));

  it('has a row for every metric, with its unit, direction, range, source and definition', () => {
    for (const [name, info] of Object.entries(METRICS)) {
      const row = rows.find((r) => r[0] === name);
      expect({ name, row }).toEqual({
        name,
        row: [name, info.unit, info.better ?? '–', rangeText(info.range), info.source, info.definition],
      });
    }
  });

  it('has no row for a metric the code does not have, and no metric twice', () => {
    const names = rows.map((r) => r[0]);
    expect(names.filter((n) => !(n in METRICS))).toEqual([]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});
