// The `schedbench:backend` section when `type: hosts`: machines that already exist.
import { z } from 'zod';
import { safeName, safePath } from '../../config/names';

/** An OpenSSH public key line: `<type> <base64> [comment]`. */
const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;

const HostKey = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "required: the host's SSH host public key, pinned so schedbench never sends keys or passwords to another machine; " +
          'copy the line of /etc/ssh/ssh_host_ed25519_key.pub on the host (or `ssh-keyscan -t ed25519 <address>` without its first field)'
        : 'must be a string',
  })
  .regex(HOST_KEY, {
    message:
      'must be an SSH public key line like "ssh-ed25519 AAAA… comment" (the host\'s /etc/ssh/ssh_host_ed25519_key.pub)',
  });

const Address = z
  .string()
  .regex(/^[A-Za-z0-9.:-]+$/, { message: 'must be an IP address or a DNS name (letters, digits, . : -)' });

export const HostsBackend = z.strictObject({
  type: z.literal('hosts'),
  /** SSH user on every host (needs root or passwordless sudo for the scheduler's install). */
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'must be a Unix user name' })
    .default('root'),
  /** SSH port, unless a host names its own. */
  port: z.number().int().min(1).max(65535).default(22),
  /** Private key file for SSH (read at `up`, kept as a secret). */
  privateKeyPath: safePath('backend.privateKeyPath'),
  hosts: z
    .array(
      z.strictObject({
        name: safeName('backend.hosts[].name'),
        address: Address,
        port: z.number().int().min(1).max(65535).optional(),
        /** The host's SSH host public key (`ssh-ed25519 AAAA…`): every connection to the host checks it. */
        hostKey: HostKey,
        /** Interface on the cluster network (samplers read its counters). */
        interface: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,15}$/, { message: 'must be a Linux interface name (≤ 15 characters)' })
          .default('eth0'),
      }),
    )
    .min(1),
});
export type HostsBackend = z.infer<typeof HostsBackend>;
