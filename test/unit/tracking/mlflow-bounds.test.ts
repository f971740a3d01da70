// The MLflow client's bounds (#29 N8) against a tiny server on 127.0.0.1: pages a search follows, the size of an
// answer, a server that accepts but never answers (one wait, not one per request or per command of an `up`), the
// time budget; and how credentials and server text are handled (#29, lows).
import { spawn } from 'child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import type { AddressInfo, Socket } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { MlflowClient, MlflowError, serverText } from '../../../components/tracking/mlflow';
import { checkTrackingUri, credentialsRefusal } from '../../../components/tracking/options';
import { openSession } from '../../../components/tracking/session';
import { parseConfig } from '../../../components/config/parse';
import { TS_ENVIRONMENT, TS_RUN } from '../../../components/tsx';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let uri: string;
let requests: string[];
let handler: Handler;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    res.setHeader('connection', 'close'); // no connection kept from one test to the next
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  requests = [];
});
afterEach(() => {
  for (const s of sockets) s.destroy(); // a request left hanging on purpose
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const json = (res: ServerResponse, value: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
};
const hang: Handler = () => undefined;
const code = async (p: Promise<unknown>): Promise<string | null | undefined> => {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof MlflowError ? err.code : `not an MlflowError: ${String(err)}`;
  }
};

describe('MLflow client bounds (#29 N8)', () => {
  it('follows at most maxPages pages of one search', async () => {
    let page = 0;
    handler = (_req, res) => {
      page++;
      json(res, { runs: [], ...(page < 50 ? { next_page_token: `t${page}` } : {}) });
    };
    const client = new MlflowClient({ uri, auth: {}, maxPages: 5 });
    expect(await code(client.searchRuns(['1'], ''))).toBe('TOO_MANY_PAGES');
    expect(requests).toHaveLength(5);
  });

  it('stops at once on a page token it was given before', async () => {
    handler = (_req, res) => json(res, { runs: [], next_page_token: 'same' });
    const client = new MlflowClient({ uri, auth: {} });
    expect(await code(client.searchRuns(['1'], ''))).toBe('TOO_MANY_PAGES');
    expect(requests).toHaveLength(2);
  });

  it('refuses an answer larger than maxBodyBytes, declared or streamed', async () => {
    const big = `{"runs":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    const client = new MlflowClient({ uri, auth: {}, attempts: 1, maxBodyBytes: 1024 * 1024 });
    handler = (_req, res) => json(res, JSON.parse(big));
    expect(await code(client.searchRuns(['1'], ''))).toBe('ANSWER_TOO_LARGE');
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write(big.slice(0, 1024)); // no content-length: chunked
      setTimeout(() => res.end(big.slice(1024)), 10);
    };
    expect(await code(client.searchRuns(['1'], ''))).toBe('ANSWER_TOO_LARGE');
  });

  it('a server that never answers costs one timeout; later requests are not tried', async () => {
    handler = hang;
    const told: string[] = [];
    const client = new MlflowClient({ uri, auth: {}, timeoutMs: 300, onUnanswered: (r) => told.push(r) });
    const started = Date.now();
    expect(await code(client.ensureExperiment('schedbench'))).toBe('UNANSWERED');
    const second = Date.now();
    expect(await code(client.searchRuns(['1'], ''))).toBe('NOT_TRIED');
    expect(Date.now() - second).toBeLessThan(100);
    expect(second - started).toBeLessThan(3000); // one wait, no retries
    expect(requests).toHaveLength(1);
    expect(told).toHaveLength(1);
  }, 10_000);

  it('no request waits past the deadline (the budget of the whole up)', async () => {
    handler = hang;
    const client = new MlflowClient({ uri, auth: {}, timeoutMs: 60_000, deadline: Date.now() + 300 });
    const started = Date.now();
    expect(await code(client.ensureExperiment('schedbench'))).toBe('UNANSWERED');
    expect(Date.now() - started).toBeLessThan(3000);
    const late = new MlflowClient({ uri, auth: {}, deadline: Date.now() - 1 });
    expect(await code(late.ensureExperiment('schedbench'))).toBe('NOT_TRIED');
  }, 10_000);
});

describe('one up shares one tracking budget (#29 N8)', () => {
  let queue: string;
  beforeEach(() => {
    queue = path.join(mkdtempSync(path.join(tmpdir(), 'trk-session-')), '.tracking-queue');
  });
  afterEach(() => rmSync(path.dirname(queue), { recursive: true, force: true }));

  it('an unanswered request and the time spent carry over to the next command of the same up only', () => {
    const first = openSession(queue, 'up-1', 60_000, 1_000);
    expect(first.unanswered).toBeUndefined();
    first.remember('the server did not answer');
    first.close();
    const next = openSession(queue, 'up-1', 60_000);
    expect(next.unanswered).toBe('the server did not answer');
    expect(next.deadline).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(openSession(queue, 'up-2', 60_000).unanswered).toBeUndefined();
  });

  it('the budget is spent across commands', () => {
    const first = openSession(queue, 'up-3', 1_000, Date.now() - 5_000);
    first.close(); // 5 s spent, the budget was 1 s
    expect(openSession(queue, 'up-3', 1_000).deadline).toBeLessThanOrEqual(Date.now());
  });

  it('the tracking commands of one up wait on a silent server once, then queue at once', async () => {
    handler = hang;
    const results = path.dirname(queue);
    mkdirSync(path.join(results, 'stack'), { recursive: true });
    writeFileSync(path.join(results, 'stack', 'report.html'), '<html></html>\n');
    const track = () =>
      new Promise<{ status: number | null; stdout: string; ms: number }>((resolve) => {
        const started = Date.now();
        const child = spawn('bash', ['-c', `${TS_RUN} "$SCHEDBENCH_TRACKER" report`], {
          env: {
            ...process.env,
            ...TS_ENVIRONMENT,
            SCHEDBENCH_TRACKER: path.join(__dirname, '..', '..', '..', 'components', 'tracking', 'script.ts'),
            SCHEDBENCH_TRACKING_URI: uri,
            SCHEDBENCH_TRACKING_EXPERIMENT: 'schedbench',
            SCHEDBENCH_TRACKING_QUEUE: queue,
            SCHEDBENCH_UP_ID: 'up-script',
            SCHEDBENCH_TRACKING_TIMEOUT_SECONDS: '2',
            REPORT_PATH: path.join(results, 'stack', 'report.html'),
            STACK: 'local',
            RUN_ID: '20260101T000000Z_0123456789ab',
          },
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('close', (status) => resolve({ status, stdout, ms: Date.now() - started }));
      });
    const first = await track();
    const second = await track();
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'queued' });
    expect(JSON.parse(second.stdout)).toMatchObject({
      status: 'queued',
      reason: expect.stringMatching(/not tried/),
    });
    expect(requests).toHaveLength(1); // the second command asked nothing
    expect(readdirSync(queue).filter((f) => f.endsWith('.queued'))).toHaveLength(1);
  }, 60_000);
});

describe('MLflow credentials and server text (#29, lows)', () => {
  it('a URI with user:password is refused, in the config and from the command line', () => {
    expect(() => checkTrackingUri('https://alice:pw@mlflow.example.org', '--tracking-uri')).toThrow(
      /--tracking-uri: .*without credentials/,
    );
    const r = parseConfig(
      {
        'schedbench:scheduler': 'slurm',
        'schedbench:profile': 'small',
        'schedbench:backend': { type: 'netns' },
        'schedbench:tracking': { mlflow: { uri: 'http://alice:pw@mlflow.example.org:5000' } },
      },
      'local',
    );
    expect(r.ok).toBe(false);
    expect(() => new MlflowClient({ uri: 'http://u:p@127.0.0.1:5000', auth: {} })).toThrow(/credentials/);
  });

  it('credentials go over https or to this machine only: never over plain http to another host', async () => {
    expect(credentialsRefusal('http://mlflow.example.org:5000')).toMatch(/plain http/);
    expect(credentialsRefusal('https://mlflow.example.org')).toBeUndefined();
    expect(credentialsRefusal('http://127.0.0.1:5000')).toBeUndefined();
    expect(credentialsRefusal('http://localhost:5000')).toBeUndefined();
    const spy = jest.spyOn(globalThis, 'fetch');
    try {
      const client = new MlflowClient({
        uri: 'http://mlflow.example.org:5000',
        auth: { token: 'sec-token' },
      });
      expect(await code(client.ensureExperiment('schedbench'))).toBe('CREDENTIALS_IN_CLEAR');
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('the server’s text reaches logs and the queue cleaned, bounded, credentials masked; other bodies not at all', async () => {
    expect(serverText('a\u001b[31mred\u0007\nline\u202eevil sec-token', ['sec-token'])).toBe(
      'a [31mred line evil [redacted]',
    );
    expect(serverText('x'.repeat(1000)).length).toBeLessThanOrEqual(301);
    handler = (_req, res) => {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/html');
      res.end('<html>\u001b]0;owned\u0007 sec-token secret page</html>');
    };
    const client = new MlflowClient({ uri, auth: { token: 'sec-token' }, attempts: 1 });
    const err = await client.ensureExperiment('schedbench').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowError);
    const message = (err as Error).message;
    expect(message).not.toContain('secret page');
    expect(message).not.toContain('sec-token');
    expect(message).not.toContain('\u001b');
    expect(message).toMatch(/HTTP 400 \(text\/html, \d+ bytes; not an MLflow error answer\)/);
  });
});
