// A real MLflow tracking server for the tests: the project's pinned MLflow (.venv, installed by setup.sh through
// .github/tools/mlflow.sh) on loopback at a free port, SQLite backend store, local artifacts served by the server.
// Started per test file, waited for on /health with a bounded poll, stopped by PID.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');

export interface MlflowServer {
  uri: string;
  port: number;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port free on loopback right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The mlflow executable of the project's venv (installed when missing: the install script is idempotent). */
export function mlflowBinary(): string {
  const r = spawnSync(path.join(REPO, '.github', 'tools', 'mlflow.sh'), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mlflow.sh failed: ${r.stderr}`);
  return r.stdout.trim();
}

export async function startMlflow(timeoutMs = 150_000): Promise<MlflowServer> {
  const binary = mlflowBinary();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'trk-mlflow-'));
  const log = path.join(dir, 'server.log');
  const child: ChildProcess = spawn(
    'bash',
    [
      '-c',
      'exec "$MLFLOW" server --host 127.0.0.1 --port "$PORT" --workers 1 --backend-store-uri "sqlite:///$DIR/mlflow.db" --serve-artifacts --artifacts-destination "$DIR/artifacts" --uvicorn-opts "--timeout-keep-alive 300" >"$LOG" 2>&1',
    ],
    {
      env: { ...process.env, MLFLOW: binary, PORT: String(port), DIR: dir, LOG: log },
      stdio: 'ignore',
      detached: true,
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('mlflow server did not start');
  const uri = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (!exited) {
      // The server's process group (uvicorn workers included), by the PID we started.
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* gone */
          }
          resolve();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Bounded poll of /health: what the server itself says when it is ready.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) break;
    try {
      const r = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return { uri, port, dir, pid, stop };
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  let tail = '';
  try {
    tail = readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    /* no log */
  }
  await stop();
  throw new Error(
    `mlflow server on ${uri} not healthy within ${timeoutMs} ms (exited: ${exited}); log:\n${tail}`,
  );
}
