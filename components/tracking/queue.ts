// The tracking queue: what could not be sent to MLflow waits in `<resultsDir>/.tracking-queue/`, one file per
// item (written atomically, so concurrent senders never clobber each other), until `schedbench track` sends it.
// Root writes it: only in a trusted directory (results/trusted-dir.ts), never through a link. An item names a
// file to upload, so whoever could write the queue could choose what root uploads: `track` sends only items whose
// file is a RunResult or a report.html inside the results directory (checkItemPath).
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { assertTrustedDir, readFileNoFollow, writeFileTrusted } from '../../results/trusted-dir';

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

/** The results directory a queue belongs to. */
export function resultsDirOf(queue: string): string {
  return dirname(resolve(queue));
}

/** What names the queue in messages: the results directory's setting. */
const LABEL = 'resultsDir (tracking queue)';

/** The file an item sends. */
export function itemPath(
  item: Pick<QueueItem, 'kind'> & { resultPath?: string; reportPath?: string },
): string {
  return (item.kind === 'run' ? item.resultPath : item.reportPath) ?? '';
}

/**
 * Why the file an item names may not be sent, or undefined when it may: it must be an absolute path inside the
 * results directory (not its queue), with no symlink below it, a regular file in a directory only root can change,
 * and a RunResult (`*.json`) or a stack's report (`report.html`).
 */
export function checkItemPath(
  resultsDir: string,
  item: Pick<QueueItem, 'kind'> & { resultPath?: string; reportPath?: string },
): string | undefined {
  const file = itemPath(item);
  if (!isAbsolute(file)) return `${file}: not an absolute path`;
  const root = resolve(resultsDir);
  const inside = relative(root, resolve(file));
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    return `${file}: not inside the results directory ${root}`;
  if (inside.split(sep)[0] === QUEUE_DIR_NAME) return `${file}: inside the tracking queue`;
  const wanted = item.kind === 'run' ? file.endsWith('.json') : basename(file) === 'report.html';
  if (!wanted)
    return `${file}: a ${item.kind} item names ${item.kind === 'run' ? 'a RunResult (*.json)' : 'a report.html'}`;
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    return `${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (real !== join(realpathSync(root), inside)) return `${file}: a symlink is on its path`;
  if (!lstatSync(real).isFile()) return `${file}: not a regular file`;
  // Its directory only root can change: nobody swaps the file for a link between this check and the upload.
  try {
    assertTrustedDir(dirname(real), 'resultsDir');
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

/** One file per item, named by what it tracks: queuing the same item again replaces it. */
function fileFor(dir: string, item: QueueItem): string {
  const what = item.kind === 'run' ? item.resultPath : item.reportPath;
  return join(
    dir,
    `${createHash('sha256').update(`${item.kind}\0${what}`).digest('hex').slice(0, 24)}${SUFFIX}`,
  );
}

/** Writes an item (mode 0600) into the queue, made when missing under trusted directories only. */
export function enqueue(dir: string, item: QueueItem): string {
  const file = fileFor(dir, QueueItem.parse(item));
  writeFileTrusted(file, `${JSON.stringify(item, null, 2)}\n`, LABEL, 0o600);
  return file;
}

/**
 * Items waiting, oldest first; unreadable files (a symlink among them) are returned as problems, never deleted.
 * A queue that exists must lie in a trusted directory (UntrustedDirectoryError otherwise).
 */
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
  assertTrustedDir(dir, LABEL);
  const items: QueuedFile[] = [];
  const problems: { file: string; reason: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      items.push({ file, item: QueueItem.parse(JSON.parse(readFileNoFollow(file).toString('utf8'))) });
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
