// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated
// JSON): opens a page in headless Chromium, records console errors and network requests, evaluates an
// expression and takes screenshots. Enough for the report test, no extra dependency.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

type Json = Record<string, unknown>;
interface Message {
  id?: number;
  method?: string;
  params?: Json;
  result?: Json;
  error?: { message: string };
  sessionId?: string;
}

export interface PageReport {
  consoleErrors: string[];
  requests: string[];
}

export class Browser {
  private nextId = 1;
  private buffer = '';
  private pending = new Map<number, { resolve: (r: Json) => void; reject: (e: Error) => void }>();
  private listeners: ((m: Message) => void)[] = [];
  private readonly proc: ChildProcess;
  private readonly userDataDir: string;
  private readonly toChrome: Writable;
  private exited: Promise<void>;

  constructor() {
    this.userDataDir = mkdtempSync(join(tmpdir(), 'schedbench-chromium-'));
    this.proc = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${this.userDataDir}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    this.toChrome = this.proc.stdio[3] as Writable;
    const fromChrome = this.proc.stdio[4] as Readable;
    fromChrome.setEncoding('utf8');
    fromChrome.on('data', (chunk: string) => this.receive(chunk));
    this.exited = new Promise((resolve) => this.proc.once('exit', () => resolve()));
    this.exited.then(() => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\0');
    while (end >= 0) {
      const msg = JSON.parse(this.buffer.slice(0, end)) as Message;
      this.buffer = this.buffer.slice(end + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`CDP: ${msg.error.message}`));
        else p?.resolve(msg.result ?? {});
      } else {
        for (const l of this.listeners) l(msg);
      }
      end = this.buffer.indexOf('\0');
    }
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.nextId++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.toChrome.write(`${msg}\0`);
    });
  }

  /** Resolves on the first event `method` of `sessionId`; rejects after `timeoutMs` (a bound, not a wait). */
  waitFor(method: string, sessionId: string, timeoutMs: number): Promise<Json> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}`));
      }, timeoutMs);
      const listener = (m: Message) => {
        if (m.method === method && m.sessionId === sessionId) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve(m.params ?? {});
        }
      };
      this.listeners.push(listener);
    });
  }

  /** Opens `url` in a fresh page, records console errors and requests until the load event. */
  async open(url: string, width = 1400, height = 1000): Promise<{ session: string; report: PageReport }> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as {
      targetId: string;
    };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    const report: PageReport = { consoleErrors: [], requests: [] };
    this.listeners.push((m) => {
      if (m.sessionId !== sessionId || m.params === undefined) return;
      const p = m.params;
      if (m.method === 'Network.requestWillBeSent') report.requests.push(String((p.request as Json).url));
      if (m.method === 'Runtime.consoleAPICalled' && p.type === 'error')
        report.consoleErrors.push(JSON.stringify(p.args));
      if (m.method === 'Runtime.exceptionThrown')
        report.consoleErrors.push(JSON.stringify(p.exceptionDetails));
      if (m.method === 'Log.entryAdded' && (p.entry as Json).level === 'error') {
        report.consoleErrors.push(String((p.entry as Json).text));
      }
    });
    for (const domain of ['Page', 'Runtime', 'Log', 'Network'])
      await this.send(`${domain}.enable`, {}, sessionId);
    await this.send(
      'Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    const loaded = this.waitFor('Page.loadEventFired', sessionId, 60000);
    await this.send('Page.navigate', { url }, sessionId);
    await loaded;
    return { session: sessionId, report };
  }

  async evaluate<T>(session: string, expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true }, session)) as {
      result: { value: T };
      exceptionDetails?: Json;
    };
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }

  /** PNG of the page: the viewport, or the whole page up to `maxHeight` pixels. */
  async screenshot(session: string, fullPage: boolean, maxHeight = 16000): Promise<Buffer> {
    let clip: Json | undefined;
    if (fullPage) {
      const m = (await this.send('Page.getLayoutMetrics', {}, session)) as {
        cssContentSize: { width: number; height: number };
      };
      clip = {
        x: 0,
        y: 0,
        width: m.cssContentSize.width,
        height: Math.min(maxHeight, m.cssContentSize.height),
        scale: 1,
      };
    }
    const r = (await this.send(
      'Page.captureScreenshot',
      { format: 'png', ...(clip ? { clip, captureBeyondViewport: true } : {}) },
      session,
    )) as { data: string };
    return Buffer.from(r.data, 'base64');
  }

  /** Closes the browser (by the protocol, then by its PID if it lingers) and removes its profile. */
  async close(): Promise<void> {
    const bounded = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (this.proc.exitCode === null && this.proc.pid !== undefined) this.proc.kill('SIGKILL');
        resolve();
      }, 10000);
      this.exited.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.send('Browser.close').catch(() => undefined);
    await bounded;
    await this.exited;
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}
