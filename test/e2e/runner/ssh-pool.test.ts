// The runner keeps SSH connections between steps (cli/runner/ssh-pool.ts): against a real sshd, a second step
// rides the first one's connection (same client port), steps at the same time get a connection each, a failed
// command leaves its connection usable, and a kept connection that died is replaced without failing the step.
import { execFileSync } from 'child_process';
import { closeSshConnections, runRemote, sshCounts } from '../../../cli/runner/exec';
import { startSshd, TestSshd } from '../../helpers/sshd';

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

  it('replaces a kept connection that died while idle, and the step succeeds', async () => {
    const first = await clientPort();
    // The server side of that connection (the sshd serving it, a child of the test's sshd) goes away.
    const served = execFileSync('ss', ['-tnpH', 'state', 'established', `( sport = :${sshd.port} )`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line.includes(`:${first} `))
      .flatMap((line) => [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
    expect(served.length).toBeGreaterThan(0);
    for (const pid of served) process.kill(pid, 'SIGKILL');
    const next = await clientPort();
    expect(next).not.toBe(first);
  });
});
