// `schedbench campaign` as the end-to-end tests run it — through the product's entry point, as a user does — and
// the RunResults it wrote, read back.
import { spawn } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { parseRunResult } from '../../results/read';
import type { RunResult } from '../../results/schema';
import { REPO } from './runner';

export interface CampaignOutcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `schedbench campaign <stackFile>`; `onOutput` is called each time it prints (e.g. to watch the host). */
export function runCampaign(
  stackFile: string,
  onOutput: () => void = () => undefined,
): Promise<CampaignOutcome> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'schedbench.js'), 'campaign', stackFile], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onOutput();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onOutput();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Every RunResult under `resultsDir` (not the analyses, not the writer's raw inputs). */
export function readResults(resultsDir: string): RunResult[] {
  const out: RunResult[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== 'analysis' && e.name !== 'raw') walk(p);
      else if (e.isFile() && /-r\d+\.json$/.test(e.name))
        out.push(parseRunResult(JSON.parse(readFileSync(p, 'utf8'))));
    }
  };
  walk(resultsDir);
  return out;
}
