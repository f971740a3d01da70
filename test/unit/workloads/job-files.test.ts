// components/jobs/scripts/job-files.sh, run by bash as the run loop runs it on a node: the run's job files as one
// document, the directory gone after; nothing there is empty maps, not an error.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { NodeJobFiles } from '../../../components/schedulers/contract';
import { preludedScript } from '../../../components/script';

const SCRIPT = preludedScript(
  path.join(__dirname, '..', '..', '..', 'components', 'jobs', 'scripts'),
  'job-files.sh',
);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-jobfiles-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(jobFilesDir: string) {
  return spawnSync('bash', ['-c', SCRIPT], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, JOB_FILES_DIR: jobFilesDir },
  });
}

test('prints every job file by job id and removes the directory', () => {
  const out = path.join(dir, 'run1');
  mkdirSync(out);
  writeFileSync(
    path.join(out, '17.times'),
    'start 1700000000000000000 10.00\nend 1700000002000000000 12.00\n',
  );
  writeFileSync(path.join(out, '17.yaml'), 'metrics:\n  - stressor: cpu\n');
  writeFileSync(path.join(out, '18.times'), 'start 1700000001000000000 11.00\n');
  writeFileSync(path.join(out, '17.out'), 'job output is not a job file\n');
  const r = run(out);
  expect(r.status).toBe(0);
  expect(NodeJobFiles.parse(JSON.parse(r.stdout))).toEqual({
    metrics: { '17': 'metrics:\n  - stressor: cpu\n' },
    times: {
      '17': 'start 1700000000000000000 10.00\nend 1700000002000000000 12.00\n',
      '18': 'start 1700000001000000000 11.00\n',
    },
  });
  expect(existsSync(out)).toBe(false);
});

test('a node that ran none of the jobs (or a second call) prints empty maps', () => {
  const r = run(path.join(dir, 'never-made'));
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ metrics: {}, times: {} });
});
