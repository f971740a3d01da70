// A resource profile: how many nodes a stack has and the vCPUs and memory of each. Its own module, below the config
// schema, so that scheduler modules can speak of it without the schema (which is built from their table).
import { z } from 'zod';

export const Profile = z.strictObject({
  /** Number of nodes in the cluster. */
  nodes: z.number().int().min(1).max(64),
  /** vCPUs per node. */
  vcpus: z.number().int().min(1).max(512),
  /** Memory per node (GiB). */
  memoryGiB: z.number().min(0.25).max(4096),
  /**
   * Set by schedbench on the `host` profile: the machine it was sized from (recorded in the config snapshot and
   * every result's provenance, so the figures say which host shaped the nodes).
   */
  sizedFrom: z
    .strictObject({
      cores: z.number().int().min(1),
      /** The host's memory in whole GiB (rounded down: stable from one boot to the next). */
      memoryGiB: z.number().int().min(0),
    })
    .optional(),
});
export type Profile = z.infer<typeof Profile>;

export const DEFAULT_PROFILES: Record<string, Profile> = {
  small: { nodes: 2, vcpus: 4, memoryGiB: 8 },
  medium: { nodes: 3, vcpus: 8, memoryGiB: 16 },
  large: { nodes: 4, vcpus: 16, memoryGiB: 32 },
};
