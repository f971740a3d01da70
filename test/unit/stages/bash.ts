// Runs bash text with the node scripts' preludes in front — components/prelude.sh and the stage library — as a
// scheduler's script gets them, and stand-in commands first on PATH: the stage library's functions run for real.
// SHLVL=1: node gives a child socket pairs as stdio, and Debian's bash then sources ~/.bashrc as if sshd ran it.
import { spawn, spawnSync, type SpawnSyncReturns } from 'child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { PRELUDE, STAGES } from '../../../components/script';

const LIBRARY = [PRELUDE, STAGES].map((file) => readFileSync(file, 'utf8')).join('\n');

/** `text` under `set -euo pipefail` after the prelude and the stage library. */
export function withLibrary(text: string): string {
  return `${LIBRARY}\nset -euo pipefail\n${text}`;
}

/** Runs `text` (see withLibrary) with `env` over a minimal environment; `bin` first on PATH when given. */
export function runBash(
  text: string,
  env: Record<string, string> = {},
  options: { bin?: string; input?: string; timeoutMs?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-c', withLibrary(text), 'stages-test'], {
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 60000,
    env: {
      PATH:
        options.bin === undefined ? String(process.env.PATH) : `${options.bin}:${String(process.env.PATH)}`,
      SHLVL: '1',
      ...env,
    },
  });
}

/** The same, in the background: resolves with its status, stdout and stderr. */
export function runBashAsync(
  text: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', withLibrary(text), 'stages-test'], {
      env: { PATH: String(process.env.PATH), SHLVL: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A stand-in command `name` in `dir`: a bash script with `body`. */
export function standIn(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/bash\nset -euo pipefail\n${body}\n`);
  chmodSync(file, 0o755);
}
