// The `schedbench:backend` section when `type: hosts`: machines that already exist.
import { z } from 'zod';
import { safeName, safePath } from '../../config/names';

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
