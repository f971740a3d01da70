// Test helper: run a command on a test node over real SSH (ssh2), with environment and stdin, the way
// @pulumi/command's remote.Command does.
import { readFileSync } from 'fs';
import { Client } from 'ssh2';

export interface RemoteTarget {
  host: string;
  port?: number;
  user?: string;
  privateKey: string;
}

export interface RemoteResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRemote(
  target: RemoteTarget,
  command: string,
  env: Record<string, string> = {},
  stdin?: string,
): Promise<RemoteResult> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec(command, { env }, (err, channel) => {
          if (err) {
            client.end();
            reject(err);
            return;
          }
          let stdout = '';
          let stderr = '';
          channel.on('data', (d: Buffer) => (stdout += d.toString()));
          channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          channel.on('exit', (code: number | null) => {
            channel.on('close', () => {
              client.end();
              resolve({ code: code ?? -1, stdout, stderr });
            });
          });
          if (stdin !== undefined) channel.end(stdin);
          else channel.end();
        });
      })
      .on('error', reject)
      .connect({
        host: target.host,
        port: target.port ?? 22,
        username: target.user ?? 'root',
        privateKey: target.privateKey,
      });
  });
}

export function readKey(file: string): string {
  return readFileSync(file, 'utf8');
}
