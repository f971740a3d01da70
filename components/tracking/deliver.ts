// Never lose a result: send one item to MLflow, and on any failure leave it in the queue (with the reason)
// for `schedbench track`. A sent item leaves the queue. Only a RunResult or report inside the queue's results
// directory is ever sent (checkItemPath): anything else is refused before the server is asked.
import { checkItemPath, enqueue, resultsDirOf, type QueueItem } from './queue';
import { MlflowClient } from './mlflow';
import { sendReport, sendRun, type SendOutcome } from './send';

export type Delivery =
  { status: 'sent'; outcome: SendOutcome } | { status: 'queued'; reason: string; queueFile: string };

/** What to send: a queue item without its bookkeeping. */
export type Deliverable =
  | Omit<Extract<QueueItem, { kind: 'run' }>, 'queuedAt' | 'reason'>
  | Omit<Extract<QueueItem, { kind: 'report' }>, 'queuedAt' | 'reason'>;

/** A queue item without its bookkeeping (when it was queued, why). */
export function deliverableOf(item: QueueItem): Deliverable {
  const { kind, experiment } = item;
  const campaign = item.campaignId !== undefined ? { campaignId: item.campaignId } : {};
  return kind === 'run'
    ? { kind, experiment, resultPath: item.resultPath, ...campaign }
    : {
        kind,
        experiment,
        reportPath: item.reportPath,
        stack: item.stack,
        stackRunId: item.stackRunId,
        ...campaign,
      };
}

export async function send(client: MlflowClient, item: Deliverable): Promise<SendOutcome> {
  const options = { experiment: item.experiment, campaignId: item.campaignId };
  return item.kind === 'run'
    ? sendRun(client, item.resultPath, options)
    : sendReport(client, {
        reportPath: item.reportPath,
        stack: item.stack,
        stackRunId: item.stackRunId,
        ...options,
      });
}

/** Sends `item` or queues it; throws (queuing nothing) when it names a file outside the queue's results directory. */
export async function deliver(client: MlflowClient, item: Deliverable, queueDir: string): Promise<Delivery> {
  const refused = checkItemPath(resultsDirOf(queueDir), item);
  if (refused !== undefined) throw new Error(`tracking: refusing to send ${refused}`);
  try {
    return { status: 'sent', outcome: await send(client, item) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const queueFile = enqueue(queueDir, { ...item, queuedAt: new Date().toISOString(), reason });
    return { status: 'queued', reason, queueFile };
  }
}
