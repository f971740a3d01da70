// The `schedbench:backend` section when `type: netns`: nodes as network namespaces on this host.
import { z } from 'zod';
import { ipv4Cidr, safePath } from '../../config/names';

export const NetnsBackend = z.strictObject({
  type: z.literal('netns'),
  /** Cluster network; default derived from the cluster name so two stacks do not collide. */
  subnet: ipv4Cidr('backend.subnet').optional(),
  /** Root of per-cluster, per-node state (`<stateDir>/<cluster>/<node>/`). */
  stateDir: safePath('backend.stateDir').default('/var/lib/schedbench'),
});
export type NetnsBackend = z.infer<typeof NetnsBackend>;
