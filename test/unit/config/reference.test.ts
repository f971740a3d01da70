// The README's configuration reference and Pulumi.yaml are checked against the schema: no key undocumented.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { configKeyPaths } from '../../../components/config/keys';

const root = path.join(__dirname, '..', '..', '..');

describe('configuration reference', () => {
  const keys = configKeyPaths();

  it('the README documents every key path of the schema', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const missing = keys.filter((key) => !readme.includes(`\`${key}\``));
    expect(missing).toEqual([]);
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
