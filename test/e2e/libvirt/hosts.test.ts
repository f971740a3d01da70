// End-to-end: the hosts backend against a real OpenSSH server on loopback, through the local runner — the key
// read from a file, each host checked over SSH; destroy deletes nothing on the hosts (there is nothing to).
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { startSshd, TestSshd } from '../../helpers/sshd';

const REPO = path.join(__dirname, '..', '..', '..');
const PROJECT = path.join(__dirname, 'hosts-project');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const STACK = 'hosts-e2e';

function runner(operation: 'up' | 'destroy', configFile: string) {
  const result = spawnSync(
    TSX,
    [
      path.join(REPO, 'cli', 'pulumi.ts'),
      operation,
      '--stack',
      STACK,
      '--cwd',
      PROJECT,
      '--local',
      '--config-file',
      configFile,
    ],
    { encoding: 'utf8', timeout: 5 * 60 * 1000, env: { ...process.env, SCHEDBENCH_RUNNER: 'local' } },
  );
  return { status: result.status ?? -1, out: `${result.stdout}\n${result.stderr}` };
}

const canRunSshd = process.getuid?.() === 0 && spawnSync('test', ['-x', '/usr/sbin/sshd']).status === 0;
if (!canRunSshd) process.stderr.write('hosts e2e skipped: needs root and /usr/sbin/sshd (openssh-server)\n');
const describeHosts = canRunSshd ? describe : describe.skip;

describeHosts('hosts backend against sshd on loopback', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'schedbench-hosts-e2e-'));
  const configFile = path.join(work, `Pulumi.${STACK}.yaml`);
  let sshd: TestSshd | undefined;

  beforeAll(async () => {
    sshd = await startSshd();
    writeFileSync(path.join(work, 'key'), sshd.privateKey, { mode: 0o600 });
    writeFileSync(
      configFile,
      [
        'config:',
        `  e2e:dir: ${work}`,
        `  e2e:keyPath: ${work}/key`,
        `  e2e:port: ${sshd.port}`,
        `  e2e:hostKey: ${sshd.hostKey}`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(path.join(PROJECT, '.schedbench'), { recursive: true, force: true });
  });

  test('each host is checked over SSH and reports its hostname, CPUs and memory', () => {
    const up = runner('up', configFile);
    expect(up.status === 0 ? 'up ok' : up.out.slice(-4000)).toBe('up ok');
    const reports = JSON.parse(readFileSync(path.join(work, 'reports.json'), 'utf8')) as {
      hostname: string;
      vcpus: number;
      memoryMiB: number;
    }[];
    expect(reports).toHaveLength(2);
    for (const r of reports) {
      expect(r.hostname).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
      expect(r.vcpus).toBeGreaterThanOrEqual(1);
      expect(r.memoryMiB).toBeGreaterThan(256);
    }
    const down = runner('destroy', configFile);
    expect(down.status === 0 ? 'destroy ok' : down.out.slice(-4000)).toBe('destroy ok');
  });

  test('a key file that is not a key fails `up` naming the file', () => {
    writeFileSync(path.join(work, 'key'), 'not a key\n', { mode: 0o600 });
    const up = runner('up', configFile);
    expect(up.status).not.toBe(0);
    expect(up.out).toContain(`${work}/key is not an unencrypted OpenSSH/PEM private key`);
    runner('destroy', configFile);
  });
});
