// A real OpenSSH server on loopback for tests: own host key, own client key, AcceptEnv *, killed by PID.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface TestSshd {
  port: number;
  privateKey: string;
  /** The server's host public key line, to pin in connections. */
  hostKey: string;
  /** The public key lines of the further host keys asked for, by type (`startSshd({ alsoKeyTypes })`). */
  otherHostKeys: Record<string, string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves when the port accepts connections (bounded). */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${host}:${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `alsoKeyTypes`: ssh-keygen types (ecdsa, rsa) of further host keys the server offers after its ed25519 one. */
export async function startSshd(options: { alsoKeyTypes?: string[] } = {}): Promise<TestSshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host')]);
  const also = options.alsoKeyTypes ?? [];
  for (const type of also)
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path.join(dir, `host-${type}`)]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client.pub')), {
    mode: 0o600,
  });
  execFileSync('mkdir', ['-p', '/run/sshd']);
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host`,
      ...also.map((type) => `HostKey ${dir}/host-${type}`),
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'UsePAM no',
      'AcceptEnv *',
      `PidFile ${dir}/sshd.pid`,
      'StrictModes no',
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  return {
    port,
    privateKey: readFileSync(path.join(dir, 'client'), 'utf8'),
    hostKey: readFileSync(path.join(dir, 'host.pub'), 'utf8').trim(),
    otherHostKeys: Object.fromEntries(
      also.map((type) => [type, readFileSync(path.join(dir, `host-${type}.pub`), 'utf8').trim()]),
    ),
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
