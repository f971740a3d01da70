// The runner keeps SSH connections between steps (cli/runner/ssh-pool.ts): against a real sshd, a second step
// rides the first one's connection (same client port), steps at the same time get a connection each, a failed
// command leaves its connection usable, and a kept connection that died is replaced without failing the step.
import { execFileSync, spawn } from 'child_process';
import * as path from 'path';
import { closeSshConnections, runRemote, sshCounts } from '../../../cli/runner/exec';
import { TS_ENVIRONMENT } from '../../../components/tsx';
import { startSshd, TestSshd } from '../../helpers/sshd';

const EXEC = path.join(__dirname, '..', '..', '..', 'cli', 'runner', 'exec.ts');

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

describeRoot('runner SSH connection reuse', () => {
  let sshd: TestSshd;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    closeSshConnections();
    await sshd.stop();
  });
  beforeEach(() => closeSshConnections());

  const step = (command: string) => ({
    connection: {
      host: '127.0.0.1',
      port: sshd.port,
      privateKey: sshd.privateKey,
      hostKey: sshd.hostKey,
      dialErrorLimit: 3,
      perDialTimeout: 5,
    },
    command,
    environment: {},
  });
  /** The sshd processes serving the connection from client port `port` (children of the test's sshd). */
  const serverPids = (port: string) =>
    execFileSync('ss', ['-tnpH', 'state', 'established', `( sport = :${sshd.port} )`], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`:${port} `))
      .flatMap((line) => [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
  /** The client's port of the connection a step ran on (sshd's SSH_CLIENT: address, port, server port). */
  const clientPort = async () => (await runRemote(step('printf %s "$SSH_CLIENT"'))).stdout.split(' ')[1];

  it('runs consecutive steps on one connection', async () => {
    const before = sshCounts();
    const first = await clientPort();
    const second = await clientPort();
    expect(second).toBe(first);
    expect(sshCounts().dialled - before.dialled).toBe(1);
    expect(sshCounts().reused - before.reused).toBe(1);
  });

  it('gives steps that run at the same time a connection each', async () => {
    const ports = await Promise.all(
      [0, 1, 2].map(async () => {
        const out = await runRemote(step('sleep 0.3; printf %s "$SSH_CLIENT"'));
        return out.stdout.split(' ')[1];
      }),
    );
    expect(new Set(ports).size).toBe(3);
  });

  it('keeps the connection of a command that failed', async () => {
    const first = await clientPort();
    await expect(runRemote(step('exit 3'))).rejects.toThrow(/exit code 3/);
    expect(await clientPort()).toBe(first);
  });

  it('lets the runner exit when a kept connection leads to a node that no longer answers', async () => {
    // A child runs one step, then its node's side of the connection freezes (SIGSTOP: a VM destroyed under it
    // looks the same to TCP); closing the kept connections must still let the process end by itself.
    const child = spawn(
      'node',
      [
        '--import',
        TS_ENVIRONMENT.SCHEDBENCH_TS_LOADER,
        '-e',
        `const { runRemote, closeSshConnections } = require(${JSON.stringify(EXEC)});
         runRemote(JSON.parse(process.env.STEP)).then((r) => {
           process.stdout.write(r.stdout + '\\n');
           process.stdin.once('data', () => closeSshConnections());
         });`,
      ],
      { env: { ...process.env, STEP: JSON.stringify(step('printf %s "$SSH_CLIENT"')) } },
    );
    const port = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().split(' ')[1] ?? '')),
    );
    const served = serverPids(port);
    expect(served.length).toBeGreaterThan(0);
    for (const pid of served) process.kill(pid, 'SIGSTOP');
    try {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdin.end('close\n');
      expect(await exited).toBe(0);
    } finally {
      for (const pid of served) process.kill(pid, 'SIGKILL');
    }
  });

  it('replaces a kept connection that died while idle, and the step succeeds', async () => {
    const first = await clientPort();
    // The server side of that connection (the sshd serving it, a child of the test's sshd) goes away.
    const served = serverPids(first ?? '');
    expect(served.length).toBeGreaterThan(0);
    for (const pid of served) process.kill(pid, 'SIGKILL');
    const next = await clientPort();
    expect(next).not.toBe(first);
  });
});
