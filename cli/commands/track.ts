// `schedbench track <results dir> --tracking-uri URI`: sends what waits in the tracking queue, then back-fills
// every RunResult under the directory (runs made before tracking was on). Idempotent: runs already in MLflow
// with the same content are left as they are. Exit 1 when anything is still queued.
import * as path from 'path';
import type { Command } from 'commander';
import { findJsonFiles, loadRunFile } from '../../analysis/load';
import { deliver, deliverableOf, type Deliverable } from '../../components/tracking/deliver';
import { MlflowClient } from '../../components/tracking/mlflow';
import { DEFAULT_EXPERIMENT } from '../../components/tracking/options';
import { dequeue, listQueue, QUEUE_DIR_NAME, queueDir } from '../../components/tracking/queue';

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
      const resultsDir = path.resolve(dir);
      const queue = queueDir(resultsDir);
      const client = new MlflowClient({ uri });
      const counts = { created: 0, updated: 0, unchanged: 0, queued: 0 };
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
      for (const p of problems)
        process.stderr.write(`track: ${p.file}: unreadable queue item left in place (${p.reason})\n`);
      for (const { file, item } of items) {
        const what = item.kind === 'run' ? item.resultPath : item.reportPath;
        // deliver re-queues into the same file on failure; remove it only once sent.
        if (await one(deliverableOf(item), path.relative(process.cwd(), what))) dequeue(file);
        done.add(what);
      }

      if (opts.queueOnly !== true) {
        for (const file of findJsonFiles(resultsDir, [path.join(resultsDir, QUEUE_DIR_NAME)])) {
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
      process.stdout.write(
        `track: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.queued} queued\n`,
      );
      process.exitCode = counts.queued === 0 ? 0 : 1;
    });
}
