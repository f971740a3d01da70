// docs/security.md's rules on real netns nodes (needs root): the state directory and the host lock, pinned
// host keys, ownership markers that carry the stack and the environment a node's sshd accepts.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'fs';
import * as path from 'path';
import { bridgeEnvironment, HOST_LOCK_FILE, LOCK_DIR } from '../../../components/nodes/netns/env';
import {
  createCluster,
  deleteCluster,
  makeCluster,
  makeKeys,
  mustRun,
  runScript,
  ssh,
  TestCluster,
} from './harness';

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;
const STATE_DIR = '/var/lib/sec-e2e-netns';

function mode(file: string): number {
  return statSync(file).mode & 0o7777;
}

describeRoot('netns backend under a security review', () => {
  const keys = isRoot ? makeKeys('sec-e2e') : { privateKey: '', publicKey: '' };
  let cluster: TestCluster;

  beforeAll(() => {
    cluster = makeCluster(
      { cluster: 'secnet', stack: 'sec_stack', nodes: 1, stateDir: STATE_DIR },
      keys,
      1,
      256,
    );
    createCluster(cluster);
  });

  afterAll(() => {
    deleteCluster(cluster);
    expect(existsSync(STATE_DIR)).toBe(false); // made by schedbench, so removed by it
  });

  describe('state directory', () => {
    it('refuses a stateDir under a world-writable directory, and touches nothing there', () => {
      const tmp = mkdtempSync('/tmp/sec-state-');
      chmodSync(tmp, 0o1777);
      const other = makeCluster({ cluster: 'secnet-t', nodes: 1, stateDir: path.join(tmp, 'sb') }, keys);
      const result = runScript('bridge-create', bridgeEnvironment(other.plan));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('schedbench:backend.stateDir');
      expect(existsSync(path.join(tmp, 'sb'))).toBe(false);
      expect(mode(tmp)).toBe(0o1777); // never chmod-ed
      expect(existsSync(`/sys/class/net/${other.plan.bridge}`)).toBe(false);
      rmSync(tmp, { recursive: true });
    });

    it('refuses /tmp itself, leaving its mode alone', () => {
      const other = makeCluster({ cluster: 'secnet-u', nodes: 1, stateDir: '/tmp' }, keys);
      const result = runScript('bridge-create', bridgeEnvironment(other.plan));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('schedbench:backend.stateDir: /tmp must be a real directory');
      expect(mode('/tmp')).toBe(0o1777);
      expect(existsSync('/tmp/secnet-u')).toBe(false);
    });

    it('refuses a stateDir that is a symlink (even to a good directory)', () => {
      const target = '/var/lib/sec-e2e-target';
      const link = '/var/lib/sec-e2e-link';
      mkdirSync(target, { mode: 0o755 });
      symlinkSync(target, link);
      try {
        const other = makeCluster({ cluster: 'secnet-l', nodes: 1, stateDir: link }, keys);
        const result = runScript('bridge-create', bridgeEnvironment(other.plan));
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain(`schedbench:backend.stateDir: ${link} must be a real directory`);
        expect(existsSync(path.join(target, 'secnet-l'))).toBe(false);
      } finally {
        rmSync(link);
        rmSync(target, { recursive: true });
      }
    });

    it('uses an existing root-owned stateDir it did not make, never chmod-s or removes it', () => {
      const existing = '/var/lib/sec-e2e-existing';
      mkdirSync(existing, { mode: 0o711 });
      chmodSync(existing, 0o711);
      try {
        const other = makeCluster({ cluster: 'secnet-e', nodes: 1, stateDir: existing }, keys, 1, 256);
        createCluster(other);
        expect(mode(existing)).toBe(0o711);
        deleteCluster(other);
        expect(existsSync(existing)).toBe(true);
        expect(mode(existing)).toBe(0o711);
        expect(existsSync(path.join(existing, 'secnet-e'))).toBe(false);
      } finally {
        rmSync(existing, { recursive: true, force: true });
      }
    });
  });

  describe('host lock', () => {
    it("lives in root's private 0700 directory, not in world-writable /run/lock", () => {
      expect(HOST_LOCK_FILE.startsWith(`${LOCK_DIR}/`)).toBe(true);
      const dir = lstatSync(LOCK_DIR);
      expect(dir.isDirectory()).toBe(true);
      expect(dir.uid).toBe(0);
      expect(dir.mode & 0o777).toBe(0o700);
    });

    it('refuses a lock directory others can write', () => {
      const tmp = mkdtempSync('/tmp/sec-lock-');
      chmodSync(tmp, 0o777);
      try {
        const env = { ...bridgeEnvironment(cluster.plan), LOCK_FILE: path.join(tmp, 'lock', 'netns.lock') };
        const result = runScript('bridge-create', env);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain('must be a directory owned by root with mode 0700');
        expect(existsSync(path.join(tmp, 'lock', 'netns.lock'))).toBe(false);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  describe('host keys', () => {
    it('the node presents the host key the program made for it', async () => {
      const n = cluster.plan.nodes[0];
      const ok = await ssh(n.address, keys.privateKey, 'hostname', {}, cluster.hostKeys[0].publicKey);
      expect(ok).toMatchObject({ status: 0, stdout: `${n.name}\n` });
    });

    it('a connection pinned to another key is refused before anything is sent', async () => {
      const n = cluster.plan.nodes[0];
      const other = makeKeys('sec-other-host');
      await expect(ssh(n.address, keys.privateKey, 'hostname', {}, other.publicKey)).rejects.toThrow();
    });

    it('a connection without a pinned key is refused', async () => {
      const n = cluster.plan.nodes[0];
      await expect(ssh(n.address, keys.privateKey, 'hostname', {}, '')).rejects.toThrow(/no host key pinned/);
    });
  });

  describe('ownership markers carry the stack', () => {
    it('another stack with the same cluster name cannot take over the bridge or the directory', () => {
      const intruder = makeCluster(
        { cluster: 'secnet', stack: 'sec.stack', nodes: 1, stateDir: STATE_DIR },
        keys,
      );
      const result = runScript('bridge-create', bridgeEnvironment(intruder.plan));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        `belongs to 'schedbench:secnet@sec_stack', not schedbench:secnet@sec.stack`,
      );
      // Its delete leaves the owner's bridge and files alone.
      mustRun('bridge-delete', bridgeEnvironment(intruder.plan));
      expect(existsSync(`/sys/class/net/${cluster.plan.bridge}`)).toBe(true);
      expect(existsSync(cluster.plan.hostsFile)).toBe(true);
    });
  });

  describe('environment accepted by the node sshd', () => {
    it('drops BASH_ENV and LD_PRELOAD sent by a client; SCHEDBENCH_* arrives', async () => {
      const n = cluster.plan.nodes[0];
      const result = await ssh(
        n.address,
        keys.privateKey,
        'echo "${BASH_ENV-unset} ${LD_PRELOAD-unset} ${SCHEDBENCH_PROBE-unset}"',
        { BASH_ENV: '/tmp/sec-evil', LD_PRELOAD: '/tmp/sec-evil.so', SCHEDBENCH_PROBE: 'ok' },
      );
      expect(result).toMatchObject({ status: 0, stdout: 'unset unset ok\n' });
    });
  });
});
