// `schedbench track` (#29 N6 and a low): a queue item naming a file outside the results directory is refused and
// nothing is sent for it; a missing results directory is an error, not "0 created".
import { Command } from 'commander';
import { createServer, type Server } from 'http';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { registerTrack } from '../../../cli/commands/track';

let server: Server;
let uri: string;
let requests: string[];
let dir: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    res.setHeader('connection', 'close');
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
const saved = { ...process.env };
beforeEach(() => {
  requests = [];
  dir = mkdtempSync(path.join(tmpdir(), 'trk-track-'));
  delete process.env.MLFLOW_TRACKING_TOKEN;
  delete process.env.MLFLOW_TRACKING_USERNAME;
});
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function track(resultsDir: string): Promise<{ exitCode: number; stderr: string }> {
  const program = new Command('schedbench').exitOverride();
  registerTrack(program);
  let stderr = '';
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync([
      'node',
      'schedbench',
      'track',
      resultsDir,
      '--tracking-uri',
      uri,
      '--queue-only',
    ]);
    return { exitCode: Number(process.exitCode ?? 0), stderr };
  } finally {
    write.mockRestore();
    out.mockRestore();
  }
}

describe('schedbench track', () => {
  it('refuses a queued item naming a file outside the results directory: nothing sent, item kept, exit 1', async () => {
    const queue = path.join(dir, '.tracking-queue');
    mkdirSync(queue, { mode: 0o700 });
    writeFileSync(
      path.join(queue, 'planted.queued'),
      JSON.stringify({
        kind: 'report',
        reportPath: '/etc/hostname',
        stack: 'local',
        stackRunId: '20260101T000000Z_0123456789ab',
        experiment: 'schedbench',
        queuedAt: '2026-01-01T00:00:00Z',
        reason: 'down',
      }),
    );
    const result = await track(dir);
    expect(requests).toEqual([]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/planted\.queued: refused.*not inside the results directory/);
    expect(readdirSync(queue)).toContain('planted.queued');
  });

  it('fails on a missing results directory instead of reporting nothing to do', async () => {
    await expect(track(path.join(dir, 'nowhere'))).rejects.toThrow(/nowhere: no such directory/);
  });
});
