// SSH connections the runner keeps between steps: a run's stages go to the same nodes one after the other, and
// a new connection costs a key exchange and an authentication each time (45 ms on loopback, more under load;
// docs/schedulers.md, "Harness time per run"). A connection serves one step at a time (so sshd's MaxSessions
// never binds) and is reused only for the same host, port, user, pinned host key and credentials; one that
// closes or errors is dropped; idle ones close after IDLE_MS, and all of them when the runner ends. Closing
// destroys the socket: a polite SSH disconnect to a node that is gone (a destroyed VM) would hold the runner
// until TCP gives up.
import { createHash } from 'crypto';
import type { Client } from 'ssh2';
import type { SshConnectionInputs } from './exec';

const IDLE_MS = 10_000;

/** The identity of a connection: a secret enters only as its hash. */
export function poolKey(c: SshConnectionInputs): string {
  const hash = (text: string | undefined) =>
    text === undefined ? '' : createHash('sha256').update(text).digest('hex');
  return JSON.stringify([
    c.host,
    c.port ?? 22,
    c.user ?? 'root',
    c.hostKey ?? '',
    hash(c.privateKey),
    hash(c.password),
  ]);
}

interface Idle {
  client: Client;
  timer: NodeJS.Timeout;
}

export class SshPool {
  private readonly idle = new Map<string, Idle[]>();
  private readonly dead = new WeakSet<Client>();
  /** Connections made, and steps served by one made before them (for the bench and the tests). */
  readonly counts = { dialled: 0, reused: 0 };

  /** An idle connection for `key`, or a new one from `dial`. `reused` says which. */
  async acquire(key: string, dial: () => Promise<Client>): Promise<{ client: Client; reused: boolean }> {
    const list = this.idle.get(key) ?? [];
    for (let entry = list.pop(); entry !== undefined; entry = list.pop()) {
      clearTimeout(entry.timer);
      if (!this.dead.has(entry.client)) {
        this.counts.reused++;
        return { client: entry.client, reused: true };
      }
    }
    const client = await dial();
    this.counts.dialled++;
    const drop = () => {
      this.dead.add(client);
      this.forget(key, client);
    };
    client.on('close', drop).on('error', drop);
    return { client, reused: false };
  }

  /** Hands a connection back after its step, to be reused (or closed after IDLE_MS unused). */
  release(key: string, client: Client): void {
    if (this.dead.has(client)) return;
    const timer = setTimeout(() => {
      this.forget(key, client);
      client.destroy();
    }, IDLE_MS);
    timer.unref();
    this.idle.set(key, [...(this.idle.get(key) ?? []), { client, timer }]);
  }

  /** Closes a connection that must not serve again (its step was interrupted, or it misbehaved). */
  discard(key: string, client: Client): void {
    this.dead.add(client);
    this.forget(key, client);
    client.destroy();
  }

  /** Closes every idle connection (the runner is done). */
  closeAll(): void {
    for (const [key, list] of this.idle) {
      for (const { client, timer } of list) {
        clearTimeout(timer);
        this.dead.add(client);
        client.destroy();
      }
      this.idle.delete(key);
    }
  }

  private forget(key: string, client: Client): void {
    const list = this.idle.get(key);
    if (list === undefined) return;
    const kept = list.filter((e) => {
      if (e.client !== client) return true;
      clearTimeout(e.timer);
      return false;
    });
    if (kept.length > 0) this.idle.set(key, kept);
    else this.idle.delete(key);
  }
}
