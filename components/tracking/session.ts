// What the tracking commands of one `up` share: each is its own process, one after the other, so a server that
// accepts connections but never answers would cost every one of them its full timeout. The runner and the engine
// driver give every `up` an id (SCHEDBENCH_UP_ID); per id, `<queue>/.up-<id>.json` keeps the time tracking has
// spent in this up (bounded by a budget) and whether a request already went unanswered — then the commands after
// it queue at once instead of waiting again. Without an id (the Pulumi CLI run by hand) each command has its own
// budget, and an unanswered request recorded in the last HOLD_OFF_MS holds the next commands off the same way.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readFileNoFollow, writeFileTrusted } from '../../results/trusted-dir';

/** The variable naming one `up` (set by cli/runner and cli/engine for the commands they run). */
export const UP_ID_VARIABLE = 'SCHEDBENCH_UP_ID';
/** Tracking time of one `up` (all its tracking commands together), unless SCHEDBENCH_TRACKING_BUDGET_SECONDS says. */
export const DEFAULT_BUDGET_MS = 10 * 60_000;
/** Without an up id: how long an unanswered request keeps later commands from trying. */
export const HOLD_OFF_MS = 10 * 60_000;
/** Sessions older than this are removed when another opens. */
const KEEP_MS = 24 * 3_600_000;

const NO_ID = 'none';
const Session = z.strictObject({
  upId: z.string(),
  /** Tracking time spent so far in this up (ms). */
  spentMs: z.number().nonnegative(),
  /** Why a request went unanswered, and when. */
  unanswered: z.string().optional(),
  unansweredAt: z.number().optional(),
});
type Session = z.infer<typeof Session>;

export interface TrackingSession {
  /** Epoch ms after which no request of this command starts or waits. */
  deadline: number;
  /** Set when a request of this up already went unanswered: nothing is tried, everything is queued. */
  unanswered: string | undefined;
  /** Records an unanswered request for the commands after this one. */
  remember(reason: string): void;
  /** Adds this command's time to the up's (call once, at the end). */
  close(): void;
}

const fileOf = (queue: string, upId: string) => join(queue, `.up-${upId}.json`);

function read(file: string): Session | undefined {
  try {
    return Session.parse(JSON.parse(readFileNoFollow(file).toString('utf8')));
  } catch {
    return undefined;
  }
}

function prune(queue: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(queue).filter((n) => /^\.up-[A-Za-z0-9-]+\.json$/.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    try {
      if (now - statSync(join(queue, name)).mtimeMs > KEEP_MS) rmSync(join(queue, name), { force: true });
    } catch {
      // gone meanwhile
    }
  }
}

/** The session of this command: its deadline, and what the up's earlier commands learnt. */
export function openSession(
  queue: string,
  upIdValue: string | undefined,
  budgetMs: number,
  now = Date.now(),
): TrackingSession {
  const upId = upIdValue !== undefined && /^[A-Za-z0-9-]{1,64}$/.test(upIdValue) ? upIdValue : undefined;
  prune(queue, now);
  const file = fileOf(queue, upId ?? NO_ID);
  const before = read(file);
  const session: Session =
    upId !== undefined && before?.upId === upId ? before : { upId: upId ?? NO_ID, spentMs: 0 };
  const heldOff =
    upId === undefined &&
    before?.unanswered !== undefined &&
    before.unansweredAt !== undefined &&
    now - before.unansweredAt < HOLD_OFF_MS;
  const unanswered = upId !== undefined ? session.unanswered : heldOff ? before?.unanswered : undefined;
  const label = 'resultsDir (tracking queue)';
  const started = now;
  return {
    deadline: now + Math.max(0, budgetMs - session.spentMs),
    unanswered,
    remember(reason: string) {
      session.unanswered = reason;
      session.unansweredAt = Date.now();
      writeFileTrusted(file, `${JSON.stringify(session)}\n`, label, 0o600);
    },
    close() {
      if (upId === undefined) return;
      session.spentMs += Date.now() - started;
      writeFileTrusted(file, `${JSON.stringify(session)}\n`, label, 0o600);
    },
  };
}
