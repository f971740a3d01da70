// The README's analysis section documents every metric with the unit and definition the code uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '../../../analysis/metrics';

it('the README has a row for every metric, with its unit and definition', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  for (const [name, info] of Object.entries(METRICS)) {
    const cells = doc
      .split('\n')
      .map((l) => l.split('|').map((c) => c.trim()))
      .find((c) => c[1] === `\`${name}\``);
    expect({ name, unit: cells?.[2], definition: cells?.[5] }).toEqual({
      name,
      unit: info.unit,
      definition: info.definition,
    });
  }
});
