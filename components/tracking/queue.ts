// The tracking queue: what could not be sent to MLflow waits in `<resultsDir>/.tracking-queue/`, one file per
// item (written atomically, so concurrent senders never clobber each other), until `schedbench track` sends it.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const QUEUE_DIR_NAME = '.tracking-queue';
const SUFFIX = '.queued';

/** A RunResult to track, or a stack's report to attach to its parent run. */
export const QueueItem = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('run'),
    /** Absolute path of the RunResult file. */
    resultPath: z.string().min(1),
    experiment: z.string().min(1),
    campaignId: z.string().min(1).optional(),
    queuedAt: z.string(),
    /** Why it was queued (the last error). */
    reason: z.string(),
  }),
  z.strictObject({
    kind: z.literal('report'),
    /** Absolute path of report.html. */
    reportPath: z.string().min(1),
    stack: z.string().min(1),
    stackRunId: z.string().min(1),
    experiment: z.string().min(1),
    campaignId: z.string().min(1).optional(),
    queuedAt: z.string(),
    reason: z.string(),
  }),
]);
export type QueueItem = z.infer<typeof QueueItem>;

export interface QueuedFile {
  file: string;
  item: QueueItem;
}

export function queueDir(resultsDir: string): string {
  return join(resultsDir, QUEUE_DIR_NAME);
}

/** One file per item, named by what it tracks: queuing the same item again replaces it. */
function fileFor(dir: string, item: QueueItem): string {
  const what = item.kind === 'run' ? item.resultPath : item.reportPath;
  return join(
    dir,
    `${createHash('sha256').update(`${item.kind}\0${what}`).digest('hex').slice(0, 24)}${SUFFIX}`,
  );
}

export function enqueue(dir: string, item: QueueItem): string {
  mkdirSync(dir, { recursive: true });
  const file = fileFor(dir, QueueItem.parse(item));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(item, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Items waiting, oldest first; unreadable files are returned as problems, never deleted. */
export function listQueue(dir: string): {
  items: QueuedFile[];
  problems: { file: string; reason: string }[];
} {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(SUFFIX));
  } catch {
    return { items: [], problems: [] };
  }
  const items: QueuedFile[] = [];
  const problems: { file: string; reason: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      items.push({ file, item: QueueItem.parse(JSON.parse(readFileSync(file, 'utf8'))) });
    } catch (err) {
      problems.push({ file, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  items.sort((a, b) => a.item.queuedAt.localeCompare(b.item.queuedAt) || a.file.localeCompare(b.file));
  return { items, problems };
}

/** Removes a sent item (the item itself: a RunResult or report is never touched). */
export function dequeue(file: string): void {
  rmSync(file, { force: true });
}
