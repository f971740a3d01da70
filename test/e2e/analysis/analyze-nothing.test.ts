// `schedbench analyze` fails, saying why, when it analysed nothing — an empty directory, only
// unreadable or invalid files, a --stack or --run-id that matches no run — and names every file it skipped.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeCampaign } from '../../helpers/sim';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', '..', 'bin', 'schedbench.js');
const analyze = (...args: string[]) => run(process.execPath, [BIN, 'analyze', ...args]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-analyze-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fresh(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

describe('schedbench analyze with nothing to analyse', () => {
  it('an empty directory: exit 1, saying so, and no report written', async () => {
    const empty = fresh('empty');
    await expect(analyze(empty, '--out', join(dir, 'out-empty'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`analyze: nothing analysed: ${empty} holds no *.json files`),
    });
  });

  it('every file bad: exit 1, each skipped file named', async () => {
    const bad = fresh('bad');
    writeFileSync(join(bad, 'a.json'), '{not json');
    writeFileSync(join(bad, 'b.json'), '{"runId": "x", "schemaVersion": 99}');
    writeFileSync(join(bad, 'c.json'), '{}');
    chmodSync(join(bad, 'c.json'), 0o000);
    const failure = (await analyze(bad, '--out', join(dir, 'out-bad')).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(`skipped ${join(bad, 'a.json')}: not valid JSON`);
    expect(failure.stderr).toContain(`skipped ${join(bad, 'b.json')}: `);
    if (process.getuid?.() !== 0)
      expect(failure.stderr).toContain(`skipped ${join(bad, 'c.json')}: could not be read`);
    expect(failure.stderr).toMatch(
      /analyze: nothing analysed: none of the \d RunResult file\(s\) under .* could be read/,
    );
  });

  it('only JSON that is not a RunResult: exit 1, naming one', async () => {
    const other = fresh('other');
    writeFileSync(join(other, 'config.json'), '{"scheduler": "slurm"}');
    await expect(analyze(other, '--out', join(dir, 'out-other'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`are not RunResults (e.g. ${join(other, 'config.json')})`),
    });
  });

  it('an unknown --stack or --run-id: exit 1, naming what is there', async () => {
    const runs = fresh('runs');
    writeCampaign(runs, { repetitions: 1, jobsPerRun: 3 });
    await expect(analyze(runs, '--out', join(dir, 'out-stack'), '--stack', 'sec-nope')).rejects.toMatchObject(
      {
        code: 1,
        stderr: expect.stringMatching(
          /analyze: no run of stack 'sec-nope' under .*; its \d+ run\(s\) are of stack\(s\) /,
        ),
      },
    );
    await expect(analyze(runs, '--out', join(dir, 'out-id'), '--run-id', 'sec-none')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("analyze: no run of run id 'sec-none'"),
    });
  });
});
