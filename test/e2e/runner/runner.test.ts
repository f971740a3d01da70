// The local runner, run for real on a tiny program: order, idempotence, failures, crash recovery, SSH, preview.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { REPO, runRunner, startRunner } from '../../helpers/runner';
import { running } from '../../helpers/proc';
import { startSshd, TestSshd } from '../../helpers/sshd';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'runner', 'project');

function makeProject(config: Record<string, unknown>): { dir: string; traces: string } {
  mkdirSync(path.join(REPO, 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(path.join(REPO, 'test-artifacts', 'runner-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const traces = path.join(dir, 'traces');
  mkdirSync(traces);
  writeFileSync(
    path.join(dir, 'Pulumi.test.yaml'),
    stringify({ config: { 'fixture:dir': traces, ...config } }),
  );
  return { dir, traces };
}

const log = (traces: string) => readFileSync(path.join(traces, 'log'), 'utf8').trim().split('\n');
const stateFile = (dir: string) => path.join(dir, '.schedbench', 'state', 'test.json');

describe('local runner', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd.stop();
  });

  it('creates in dependency order, is idempotent, destroys in reverse, runs remote commands over SSH', () => {
    const { dir, traces } = makeProject({
      'fixture:sshPort': sshd.port,
      'fixture:sshKey': sshd.privateKey,
      'fixture:sshHostKey': sshd.hostKey,
    });
    const first = runRunner('up', 'test', dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.split('\n')[0]).toMatch(/NOT the Pulumi engine/);
    expect(log(traces)).toEqual(['+a', '+b', '+c']);
    expect(first.stdout).toContain('secretOut: "[secret]"');
    expect(first.stdout).not.toContain('s3cret-value');
    expect(first.stdout).toContain('remoteOut: "hello-over-ssh\\nfrom-stdin"');
    expect(statSync(stateFile(dir)).mode & 0o777).toBe(0o600);

    const second = runRunner('up', 'test', dir);
    expect(second.status).toBe(0);
    expect(log(traces)).toEqual(['+a', '+b', '+c']);
    expect(second.stdout).toMatch(/0 created, 0 updated, 5 unchanged, 0 failed/);

    const gone = runRunner('destroy', 'test', dir);
    expect(gone.status).toBe(0);
    expect(log(traces)).toEqual(['+a', '+b', '+c', '-c out-c', '-b out-b', '-a out-a']);
    expect(existsSync(path.join(traces, 'remote-deleted'))).toBe(true);
    expect(['a', 'b', 'c'].some((f) => existsSync(path.join(traces, f)))).toBe(false);
    expect(existsSync(stateFile(dir))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-runs create for a changed input, replaces (delete, then create) for changed triggers', () => {
    const { dir, traces } = makeProject({});
    expect(runRunner('up', 'test', dir).status).toBe(0);
    const file = path.join(dir, 'Pulumi.test.yaml');
    writeFileSync(file, readFileSync(file, 'utf8') + "  fixture:variant: two\n  fixture:generation: '2'\n");
    const second = runRunner('up', 'test', dir);
    expect(second.status).toBe(0);
    expect(log(traces)).toEqual(['+a', '+b', '+c', '+b', '-c out-c', '+c']);
    expect(runRunner('destroy', 'test', dir).status).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a failed step, keeps what was created, and destroy still removes it', () => {
    const { dir, traces } = makeProject({ 'fixture:mode': 'fail' });
    const up = runRunner('up', 'test', dir);
    expect(up.status).toBe(1);
    expect(up.stderr).toMatch(/c: local command failed with exit code 3:\s+broken on purpose/);
    const state = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as {
      resources: Record<string, { name: string; status: string }>;
    };
    const statuses = Object.fromEntries(Object.values(state.resources).map((r) => [r.name, r.status]));
    expect(statuses).toEqual({ a: 'created', b: 'created', key: 'created', c: 'failed' });
    expect(runRunner('destroy', 'test', dir).status).toBe(0);
    expect(log(traces)).toEqual(['+a', '+b', '-b out-b', '-a out-a']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an apply that throws ends `up` with the error and status 1, never silently', () => {
    const { dir, traces } = makeProject({ 'fixture:mode': 'throw' });
    const up = runRunner('up', 'test', dir);
    expect(up.status).toBe(1);
    expect(up.stderr).toContain('error: error serializing property "create": the profile asks for 4 CPUs');
    expect(up.stderr).not.toMatch(/promises were still active/);
    expect(log(traces)).toEqual(['+a', '+b']);
    expect(runRunner('destroy', 'test', dir).status).toBe(0);
    expect(log(traces).slice(2)).toEqual(['-b out-b', '-a out-a']);
  });

  it('recovers after a crash: destroy undoes what the dead run created', () => {
    const { dir, traces } = makeProject({ 'fixture:mode': 'crash' });
    const up = runRunner('up', 'test', dir);
    expect(up.status).not.toBe(0);
    const state = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as {
      resources: Record<string, { name: string; status: string }>;
    };
    expect(Object.values(state.resources).find((r) => r.name === 'c')?.status).toBe('creating');
    expect(runRunner('destroy', 'test', dir).status).toBe(0);
    expect(log(traces)).toEqual(['+a', '+b', '-b out-b', '-a out-a']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM stops the step in flight and what it started, keeps the state, and exits 143', async () => {
    const { dir, traces } = makeProject({ 'fixture:mode': 'slow' });
    const runner = startRunner('up', 'test', dir);
    const pidFile = path.join(traces, 'slow.pid');
    const deadline = Date.now() + 60_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    expect(running(sleeper)).toBe(true);
    process.kill(runner.child.pid ?? 0, 'SIGTERM');
    const result = await runner.done;
    expect(result.status).toBe(143);
    expect(result.stderr).toContain('SIGTERM: stopping the steps in flight');
    // The step's own child is gone too: nothing of the interrupted run keeps running.
    expect(running(sleeper)).toBe(false);
    const state = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as {
      resources: Record<string, { name: string; status: string }>;
    };
    const statuses = Object.fromEntries(Object.values(state.resources).map((r) => [r.name, r.status]));
    expect(statuses).toMatchObject({ a: 'created', b: 'created', c: 'failed' });
    expect(runRunner('destroy', 'test', dir).status).toBe(0);
    expect(log(traces)).toEqual(['+a', '+b', '-b out-b', '-a out-a']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('preview prints the tree and executes nothing', () => {
    const { dir, traces } = makeProject({});
    const result = runRunner('preview', 'test', dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /\+ {3}fixture:test:Group {2}grp\n\+ {5}command:local:Command {2}a\n\+ {5}command:local:Command {2}b/,
    );
    expect(existsSync(path.join(traces, 'log'))).toBe(false);
    expect(existsSync(stateFile(dir))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
