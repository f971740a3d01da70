// `schedbench track <results dir> --tracking-uri URI`: sends what waits in the tracking queue, then back-fills
// every RunResult under the directory (runs made before tracking was on). Idempotent: runs already in MLflow
// with the same content are left as they are. Exit 1 when anything is still queued, refused or unreadable, and
// when the directory is missing. The directory must be one only root (or the user running it) can change: track
// writes the queue there, and a queue item names a file to upload — one outside the directory is refused.
import { statSync } from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { z } from 'zod';
import { findJsonFiles, loadRunFile, type LoadProblem } from '../../analysis/load';
import { deliver, deliverableOf, type Deliverable } from '../../components/tracking/deliver';
import { authFromEnv, CLIENT_LIMITS, MlflowClient } from '../../components/tracking/mlflow';
import { checkTrackingUri, credentialsRefusal, DEFAULT_EXPERIMENT } from '../../components/tracking/options';
import {
  checkItemPath,
  dequeue,
  itemPath,
  listQueue,
  QUEUE_DIR_NAME,
  queueDir,
} from '../../components/tracking/queue';
import { assertTrustedDir } from '../../results/trusted-dir';

/** Optional bounds from the environment: per-request timeout, and the time budget of this whole command. */
const Bounds = z.object({
  SCHEDBENCH_TRACKING_TIMEOUT_SECONDS: z.coerce.number().positive().max(86_400).optional(),
  SCHEDBENCH_TRACKING_BUDGET_SECONDS: z.coerce.number().positive().optional(),
});

/** The results directory to track: it must exist, be a directory, and lie under trusted directories. */
function trackedDir(dir: string): string {
  const resultsDir = path.resolve(dir);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(resultsDir).isDirectory();
  } catch {
    throw new Error(`track: ${resultsDir}: no such directory`);
  }
  if (!isDirectory) throw new Error(`track: ${resultsDir}: not a directory`);
  return assertTrustedDir(resultsDir, 'track <results-dir>');
}

interface TrackOptions {
  trackingUri?: string;
  experiment: string;
  campaignId?: string;
  queueOnly?: boolean;
}

export function registerTrack(program: Command): void {
  program
    .command('track')
    .description(
      'Send queued and earlier RunResults to an MLflow tracking server (one MLflow run each, never twice)',
    )
    .argument('<results-dir>', 'directory tree of RunResult files (config resultsDir, e.g. runs/)')
    .option('--tracking-uri <uri>', 'MLflow server base URL (default: $MLFLOW_TRACKING_URI)')
    .option(
      '--experiment <name>',
      'MLflow experiment of back-filled runs (queued items keep theirs)',
      DEFAULT_EXPERIMENT,
    )
    .option('--campaign-id <id>', 'campaign id of back-filled runs whose RunResult carries none')
    .option('--queue-only', 'send only what is queued; no back-fill')
    .action(async (dir: string, opts: TrackOptions) => {
      const uri = opts.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
      if (uri === undefined || uri === '')
        throw new Error('no tracking server: give --tracking-uri or set MLFLOW_TRACKING_URI');
      checkTrackingUri(uri, opts.trackingUri !== undefined ? '--tracking-uri' : 'MLFLOW_TRACKING_URI');
      const auth = authFromEnv();
      const refusal = credentialsRefusal(uri);
      const hasCredentials = [auth?.token, auth?.username].some((v) => v !== undefined && v !== '');
      if (refusal !== undefined && hasCredentials) throw new Error(`track: ${refusal}`);
      const resultsDir = trackedDir(dir);
      const queue = queueDir(resultsDir);
      const bounds = Bounds.parse(process.env);
      const client = new MlflowClient({
        uri,
        auth,
        timeoutMs: (bounds.SCHEDBENCH_TRACKING_TIMEOUT_SECONDS ?? CLIENT_LIMITS.timeoutMs / 1000) * 1000,
        ...(bounds.SCHEDBENCH_TRACKING_BUDGET_SECONDS !== undefined
          ? { deadline: Date.now() + bounds.SCHEDBENCH_TRACKING_BUDGET_SECONDS * 1000 }
          : {}),
      });
      const counts = { created: 0, updated: 0, unchanged: 0, queued: 0, refused: 0, unreadable: 0 };
      const done = new Set<string>();

      const one = async (item: Deliverable, label: string) => {
        const result = await deliver(client, item, queue);
        if (result.status === 'queued') {
          counts.queued++;
          process.stderr.write(`track: ${label}: queued (${result.reason})\n`);
          return false;
        }
        counts[result.outcome.action]++;
        for (const w of result.outcome.warnings) process.stderr.write(`track: ${label}: warning: ${w}\n`);
        process.stdout.write(
          `track: ${label}: ${result.outcome.action} (MLflow run ${result.outcome.mlflowRunId})\n`,
        );
        return true;
      };

      const { items, problems } = listQueue(queue);
      for (const p of problems) {
        counts.unreadable++;
        process.stderr.write(`track: ${p.file}: unreadable queue item left in place (${p.reason})\n`);
      }
      for (const { file, item } of items) {
        const what = itemPath(item);
        // Whoever could write the queue must not choose what is uploaded: only results and reports in here.
        const refused = checkItemPath(resultsDir, item);
        if (refused !== undefined) {
          counts.refused++;
          process.stderr.write(`track: ${file}: refused, left in the queue (${refused})\n`);
          continue;
        }
        // deliver re-queues into the same file on failure; remove it only once sent.
        if (await one(deliverableOf(item), path.relative(process.cwd(), what))) dequeue(file);
        done.add(what);
      }

      if (opts.queueOnly !== true) {
        const walkProblems: LoadProblem[] = [];
        const files = findJsonFiles(resultsDir, [path.join(resultsDir, QUEUE_DIR_NAME)], walkProblems);
        for (const p of walkProblems) {
          counts.unreadable++;
          process.stderr.write(`track: ${p.path}: ${p.reason}\n`);
        }
        for (const file of files) {
          if (done.has(file)) continue;
          const loaded = loadRunFile(file);
          if (loaded === 'ignored') continue;
          if (!('run' in loaded)) {
            process.stderr.write(`track: ${file}: skipped, ${loaded.reason}\n`);
            continue;
          }
          await one(
            {
              kind: 'run',
              resultPath: file,
              experiment: opts.experiment,
              ...(opts.campaignId !== undefined ? { campaignId: opts.campaignId } : {}),
            },
            path.relative(process.cwd(), file),
          );
        }
      }
      const trouble = [
        ...(counts.refused > 0 ? [`${counts.refused} refused`] : []),
        ...(counts.unreadable > 0 ? [`${counts.unreadable} unreadable`] : []),
      ];
      process.stdout.write(
        `track: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.queued} queued${trouble.map((t) => `, ${t}`).join('')}\n`,
      );
      process.exitCode = counts.queued + counts.refused + counts.unreadable === 0 ? 0 : 1;
    });
}
