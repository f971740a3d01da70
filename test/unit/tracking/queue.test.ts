// The tracking queue: one file per item, re-queuing replaces, unreadable files are reported and kept.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { dequeue, enqueue, listQueue, queueDir } from '../../../components/tracking/queue';

describe('tracking queue', () => {
  let dir: string;
  beforeEach(() => {
    dir = queueDir(mkdtempSync(path.join(tmpdir(), 'trk-queue-')));
  });
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  const item = (resultPath: string, queuedAt: string) => ({
    kind: 'run' as const,
    resultPath,
    experiment: 'schedbench',
    queuedAt,
    reason: 'ECONNREFUSED',
  });

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
    enqueue(dir, {
      kind: 'report',
      reportPath: '/r/x',
      stack: 'local',
      stackRunId: '20260101T000000Z_0123456789ab',
      experiment: 'schedbench',
      queuedAt: '2026-01-01T00:00:02Z',
      reason: 'down',
    });
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
