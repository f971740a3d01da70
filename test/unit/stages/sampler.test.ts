// The stage library's sampler_start / sampler_stop (components/stages.sh), run by bash with a stand-in scheduler's
// sample, snapshot, prepare and setup commands: a loop in the background that says it is ready, samples every
// INTERVAL_MS in its own process, takes sparse snapshots, and stops at once on `stop` with one last sample.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { SamplerStarted } from '../../../components/schedulers/contract';
import { runBash } from './bash';

let dir: string;
let samplerDir: string;
const started: number[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-sampler-'));
  samplerDir = path.join(dir, 'run', 'scheduler');
});
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The stand-in scheduler: a counter kept in the loop's process, snapshots that say their phase. */
const SCHEDULER = String.raw`
count_up() { count=0 greeting=hello; }
stand_in_sample() { count=$((count + 1)); printf '{"t":%s,"n":%d,"greeting":"%s"}\n' "$EPOCHREALTIME" "$count" "$greeting"; }
stand_in_snapshot() { printf '{"phase":"%s","prepared":%s}\n' "$1" "$([[ -e "$DIR/prepared" ]] && echo true || echo false)"; }
prepare() { : >"$DIR/prepared"; }
`;

const env = () => ({ DIR: dir, SAMPLER_DIR: samplerDir, INTERVAL_MS: '100', STATS_INTERVAL_SECONDS: '1' });

function start(extra = '') {
  const r = runBash(
    `${SCHEDULER}\nsampler_start --name stand-in-sampler --sample stand_in_sample --snapshot stand_in_snapshot --prepare prepare --setup count_up ${extra}`,
    env(),
  );
  expect([r.status, r.stderr]).toEqual([0, '']);
  const out = z.looseObject({ pid: z.number(), running: z.boolean().optional() }).parse(JSON.parse(r.stdout));
  started.push(out.pid);
  return { ...out, started: SamplerStarted.parse(JSON.parse(r.stdout)) };
}

function stop(): { status: number | null; stderr: string } {
  return runBash(`${SCHEDULER}\nsampler_stop --snapshot stand_in_snapshot`, env());
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sampler_start and sampler_stop', () => {
  it('start: a bash loop in the background, its pid and when sampling began; a second start leaves it alone', () => {
    const before = Date.now() / 1000;
    const first = start();
    expect(alive(first.pid)).toBe(true);
    expect(readFileSync(`/proc/${first.pid}/comm`, 'utf8').trim()).toBe('bash');
    expect(readFileSync(`/proc/${first.pid}/cmdline`, 'utf8')).toContain('stand-in-sampler');
    expect(readFileSync(path.join(samplerDir, 'sampler.pid'), 'utf8').trim()).toBe(String(first.pid));
    expect(first.started.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(first.started.startedAt).toBeLessThanOrEqual(Date.now() / 1000);
    // Said ready on its FIFO, which is gone again; its tick FIFO waits for `stop`.
    expect(existsSync(path.join(samplerDir, 'ready'))).toBe(false);
    expect(existsSync(path.join(samplerDir, 'tick'))).toBe(true);

    const second = start();
    expect(second).toMatchObject({ pid: first.pid, running: true });
  });

  it('samples in its own process every INTERVAL_MS; snapshots before, during (sparse) and after; stops at once', async () => {
    const { pid } = start();
    await sleep(1600);
    const t0 = Date.now();
    const r = stop();
    expect([r.status, r.stderr]).toEqual([0, '']);
    // `stop` on the tick FIFO ends the loop's pause: no waiting for SIGTERM's 5 s.
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(samplerDir, 'sampler.pid'))).toBe(false);

    const samples = readFileSync(path.join(samplerDir, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) =>
        z.strictObject({ t: z.number(), n: z.number(), greeting: z.string() }).parse(JSON.parse(l)),
      );
    // The counter lives on from sample to sample (the loop's own process), set up once by --setup.
    expect(samples.map((s) => s.n)).toEqual(samples.map((_, i) => i + 1));
    expect(samples.every((s) => s.greeting === 'hello')).toBe(true);
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(samples.length).toBeLessThanOrEqual(20);

    const snapshots = readdirSync(path.join(samplerDir, 'stats')).sort();
    const phases = snapshots.map((f) => f.replace(/-.*/, ''));
    expect(phases.filter((p) => p === 'before')).toHaveLength(1);
    expect(phases.filter((p) => p === 'after')).toHaveLength(1);
    // At most one "during" per STATS_INTERVAL_SECONDS (1 s) of a 1.6 s run.
    expect(phases.filter((p) => p === 'during').length).toBeLessThanOrEqual(2);
    for (const f of snapshots) {
      expect(f).toMatch(/^(before|during|after)-\d+\.\d+\.json$/);
      // --prepare ran before the "before" snapshot.
      expect(JSON.parse(readFileSync(path.join(samplerDir, 'stats', f), 'utf8'))).toEqual({
        phase: f.replace(/-.*/, ''),
        prepared: true,
      });
    }
  });

  it("its commands see the script's variables, not the library's (bash scopes dynamically)", () => {
    const r = runBash(
      `sample=mine snapshot=mine ext=mine name=mine
snap() { echo "{\\"seen\\":\\"$sample $snapshot $ext $name\\"}"; }
one() { echo '{}'; }
sampler_start --sample one --snapshot snap --prepare snap`,
      env(),
    );
    expect(r.status).toBe(0);
    started.push(z.object({ pid: z.number() }).parse(JSON.parse(r.stdout)).pid);
    const [before] = readdirSync(path.join(samplerDir, 'stats'));
    expect(JSON.parse(readFileSync(path.join(samplerDir, 'stats', String(before)), 'utf8'))).toEqual({
      seen: 'mine mine mine mine',
    });
  });

  it('a stop without a sampler directory (nothing sampled, or a second stop) returns 1 for the empty document', () => {
    const r = stop();
    expect(r.status).toBe(1);
    expect(existsSync(samplerDir)).toBe(false);
  });

  it('--started-at reports when sampling began before the call; --ext names the snapshot files', () => {
    const out = start('--started-at 1700000000.123456 --ext txt');
    expect(out.started.startedAt).toBe(1700000000.123456);
    expect(readdirSync(path.join(samplerDir, 'stats'))).toEqual([expect.stringMatching(/^before-.*\.txt$/)]);
  });

  it('refuses what it cannot use, saying what', () => {
    const r = runBash('sampler_start --snapshot x', env());
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining('--sample is required')]);
    const bad = runBash('f() { :; }; sampler_start --sample f', { ...env(), INTERVAL_MS: '0.5' });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('must be whole numbers')]);
  });
});
