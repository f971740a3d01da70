// The tracking queue: one file per item, re-queuing replaces, unreadable files are reported and kept; root writes
// it only in a trusted directory and never through a link (#29 N7); an item names only a RunResult or report
// inside the results directory — whoever could write the queue cannot choose what root uploads (#29 N6).
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { deliver } from '../../../components/tracking/deliver';
import { MlflowClient } from '../../../components/tracking/mlflow';
import {
  checkItemPath,
  dequeue,
  enqueue,
  listQueue,
  queueDir,
  type QueueItem,
} from '../../../components/tracking/queue';

let results: string;
let dir: string;
beforeEach(() => {
  results = mkdtempSync(path.join(tmpdir(), 'trk-queue-'));
  dir = queueDir(results);
});
afterEach(() => rmSync(results, { recursive: true, force: true }));

const item = (resultPath: string, queuedAt: string) => ({
  kind: 'run' as const,
  resultPath,
  experiment: 'schedbench',
  queuedAt,
  reason: 'ECONNREFUSED',
});
const report = (reportPath: string): QueueItem => ({
  kind: 'report',
  reportPath,
  stack: 'local',
  stackRunId: '20260101T000000Z_0123456789ab',
  experiment: 'schedbench',
  queuedAt: '2026-01-01T00:00:02Z',
  reason: 'down',
});

describe('tracking queue', () => {
  it('keeps one file per item, oldest first, and re-queuing an item replaces it', () => {
    enqueue(dir, item('/r/b.json', '2026-01-01T00:00:02Z'));
    enqueue(dir, item('/r/a.json', '2026-01-01T00:00:01Z'));
    enqueue(dir, { ...item('/r/b.json', '2026-01-01T00:00:03Z'), reason: 'HTTP 503' });
    const { items, problems } = listQueue(dir);
    expect(problems).toEqual([]);
    expect(items.map((i) => i.item.kind === 'run' && i.item.resultPath)).toEqual(['/r/a.json', '/r/b.json']);
    expect(items[1]?.item.reason).toBe('HTTP 503');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a report item and a run item of the same path are different items', () => {
    enqueue(dir, item('/r/x', '2026-01-01T00:00:01Z'));
    enqueue(dir, report('/r/x'));
    expect(listQueue(dir).items).toHaveLength(2);
  });

  it('dequeue removes the item only; unreadable files are reported, never deleted', () => {
    const file = enqueue(dir, item('/r/a.json', '2026-01-01T00:00:01Z'));
    writeFileSync(path.join(dir, 'broken.queued'), '{not json');
    dequeue(file);
    const { items, problems } = listQueue(dir);
    expect(items).toEqual([]);
    expect(problems.map((p) => path.basename(p.file))).toEqual(['broken.queued']);
    expect(readdirSync(dir)).toEqual(['broken.queued']);
  });

  it('an absent queue is empty', () => {
    expect(listQueue(path.join(dir, 'nowhere'))).toEqual({ items: [], problems: [] });
  });
});

describe('tracking queue as root (#29 N7)', () => {
  it('is never made or written through a symlink', () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'trk-elsewhere-'));
    try {
      symlinkSync(elsewhere, dir);
      expect(() => enqueue(dir, item('/r/a.json', '2026-01-01T00:00:01Z'))).toThrow(/is a symbolic link/);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(() => listQueue(dir)).toThrow(/is a symbolic link/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a link planted at the old predictable temporary name is not followed', () => {
    const file = enqueue(dir, item('/r/a.json', '2026-01-01T00:00:01Z'));
    dequeue(file);
    const victim = path.join(results, 'victim');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    enqueue(dir, item('/r/a.json', '2026-01-01T00:00:02Z'));
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(listQueue(dir).items).toHaveLength(1);
  });

  it('an item file that is a symlink is reported, not read', () => {
    mkdirSync(dir);
    symlinkSync('/etc/hostname', path.join(dir, 'planted.queued'));
    const { items, problems } = listQueue(dir);
    expect(items).toEqual([]);
    expect(problems.map((p) => path.basename(p.file))).toEqual(['planted.queued']);
  });

  it('refuses a queue in a directory others may write', () => {
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => enqueue(dir, item('/r/a.json', '2026-01-01T00:00:01Z'))).toThrow(
      /writable by its group or by others/,
    );
    expect(() => listQueue(dir)).toThrow(/writable by its group or by others/);
  });
});

describe('what a queue item may name (#29 N6)', () => {
  const inResults = (...parts: string[]) => path.join(results, ...parts);
  beforeEach(() => {
    mkdirSync(inResults('runs', 'id', 'local'), { recursive: true });
    writeFileSync(inResults('runs', 'id', 'local', 'r.json'), '{}\n');
    writeFileSync(inResults('runs', 'id', 'local', 'report.html'), '<html></html>\n');
  });

  it('a RunResult or report.html inside the results directory', () => {
    expect(checkItemPath(results, item(inResults('runs', 'id', 'local', 'r.json'), 'x'))).toBeUndefined();
    expect(checkItemPath(results, report(inResults('runs', 'id', 'local', 'report.html')))).toBeUndefined();
  });

  it.each([
    [
      'a file outside the results directory',
      () => report('/etc/hostname'),
      /not inside the results directory/,
    ],
    ['a path climbing out', () => report(path.join(results, '..', 'report.html')), /not inside the results/],
    ['a relative path', () => report('runs/id/local/report.html'), /not an absolute path/],
    [
      'a report item naming a RunResult',
      () => report(path.join(results, 'runs', 'id', 'local', 'r.json')),
      /a report.html/,
    ],
    [
      'a run item naming something else',
      () => item(path.join(results, 'runs', 'id', 'local', 'report.html'), 'x'),
      /a RunResult/,
    ],
    [
      'the queue itself',
      () => item(path.join(results, '.tracking-queue', 'x.json'), 'x'),
      /inside the tracking queue/,
    ],
  ])('refuses %s', (_what, make, reason) => {
    expect(checkItemPath(results, make())).toMatch(reason);
  });

  it('refuses a file reached through a symlink inside the results directory', () => {
    mkdirSync(inResults('etc'));
    symlinkSync('/etc/hostname', inResults('etc', 'report.html'));
    symlinkSync('/etc', inResults('linked'));
    expect(checkItemPath(results, report(inResults('etc', 'report.html')))).toMatch(/symlink/);
    expect(checkItemPath(results, report(inResults('linked', 'report.html')))).toBeDefined();
  });

  it('deliver refuses such an item before the server is asked, and queues nothing', async () => {
    let asked = 0;
    const client = new MlflowClient({ uri: 'http://127.0.0.1:9', attempts: 1 });
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(() => {
      asked++;
      return Promise.reject(new Error('not expected'));
    });
    try {
      const {
        queuedAt: _q,
        reason: _r,
        ...planted
      } = report('/etc/hostname') as Extract<QueueItem, { kind: 'report' }>;
      await expect(deliver(client, planted, dir)).rejects.toThrow(/refusing to send \/etc\/hostname/);
      expect(asked).toBe(0);
      expect(listQueue(dir).items).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
