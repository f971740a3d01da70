// The local runner's side of pinned host keys: every SSH connection checks the key (ssh2 hostVerifier);
// a server with another key, or a connection without a pinned key, gets nothing — not even the login attempt.
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { closeSshConnections, runRemote } from '../../../cli/runner/exec';
import { startSshd, TestSshd } from '../../helpers/sshd';

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

describeRoot('runner SSH host key pinning', () => {
  let sshd: TestSshd;
  let otherKey: string;

  beforeAll(async () => {
    sshd = await startSshd({ alsoKeyTypes: ['ecdsa', 'rsa'] });
    const dir = mkdtempSync(path.join(tmpdir(), 'sec-hostkey-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')]);
    otherKey = readFileSync(path.join(dir, 'k.pub'), 'utf8').trim();
    rmSync(dir, { recursive: true });
  });
  afterAll(() => {
    closeSshConnections();
    return sshd.stop();
  });

  const step = (hostKey: string | undefined) => ({
    connection: {
      host: '127.0.0.1',
      port: sshd.port,
      privateKey: sshd.privateKey,
      hostKey,
      dialErrorLimit: 3,
      perDialTimeout: 5,
    },
    command: 'echo "$SCHEDBENCH_X"',
    environment: { SCHEDBENCH_X: 'reached' },
  });

  it('connects when the server presents the pinned key', async () => {
    await expect(runRemote(step(sshd.hostKey))).resolves.toMatchObject({ stdout: 'reached' });
  });

  // The server offers ed25519 first; a client offering every algorithm would be shown that key and refuse it.
  it.each(['ecdsa', 'rsa'])(
    'connects to a server that also holds an ed25519 key when its %s key is the pinned one',
    async (type) => {
      const pinned = sshd.otherHostKeys[type];
      expect(pinned).toBeDefined();
      await expect(runRemote(step(pinned))).resolves.toMatchObject({ stdout: 'reached' });
    },
  );

  it('refuses a server presenting another key, at once and saying so', async () => {
    await expect(runRemote(step(otherKey))).rejects.toThrow(
      new RegExp(
        `ssh 127\\.0\\.0\\.1:${sshd.port}: the server's host key .* is not the pinned one; refusing to connect`,
      ),
    );
  });

  it('refuses a connection without a pinned key', async () => {
    await expect(runRemote(step(undefined))).rejects.toThrow(/no host key pinned \(connection\.hostKey\)/);
  });
});
