// The benchmark pipeline's workflow passes actionlint (built from the Go module proxy at a pinned version by
// .github/tools/actionlint.sh, cached under .schedbench/tools): a broken workflow fails the tests.
import { spawnSync } from 'child_process';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..', '..');

jest.setTimeout(600_000);

it('.github/workflows/benchmark.yml passes actionlint', () => {
  const build = spawnSync(path.join(REPO, '.github', 'tools', 'actionlint.sh'), { encoding: 'utf8' });
  expect([build.status, build.stderr]).toEqual([0, expect.any(String)]);
  const actionlint = build.stdout.trim();
  const r = spawnSync(
    actionlint,
    ['-no-color', '-oneline', path.join('.github', 'workflows', 'benchmark.yml')],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
