// Emulated execution (`schedbench:emulation`): the scheduler is real and makes every decision, but it decides for
// many more nodes than the stack has — N emulated nodes, each sized by a profile, spread over the stack's real
// nodes (netns nodes, VMs or hosts) — and the jobs' work is not done: a job lasts its expected time without load.
// Pure: the schema, the emulated node names and where each one runs; the schedulers' folders say how they emulate.
import { z } from 'zod';
import { safeName } from './names';
import type { Profile } from './profile';

/** The most emulated nodes a stack may ask for (each costs a daemon or an object of the scheduler on a real node). */
export const MAX_EMULATED_NODES = 16384;

const NodeCount = z.number().int().min(1).max(MAX_EMULATED_NODES);

export const EmulationConfig = z.strictObject({
  /**
   * How many nodes the scheduler sees. A list (e.g. [64, 256, 1024]) is a scale sweep: `schedbench campaign` runs
   * one step per size; a single stack takes one size.
   */
  nodes: z.union([NodeCount, z.array(NodeCount).min(1)]),
  /** The profile that sizes each emulated node (its vCPUs and memory; its node count is not used). Default: the stack's. */
  profile: safeName('emulation.profile').optional(),
});
export type EmulationConfig = z.infer<typeof EmulationConfig>;

/** One stack's emulation, resolved: the size and the profile of each emulated node. */
export interface Emulation {
  nodes: number;
  /** Name of the profile that sized each node. */
  profile: string;
  vcpus: number;
  memoryGiB: number;
}

/** The sizes a config asks for, in order (one for a stack, several for a sweep). */
export function emulationSizes(emulation: EmulationConfig): number[] {
  return Array.isArray(emulation.nodes) ? emulation.nodes : [emulation.nodes];
}

/**
 * The stack's emulation resolved against its profiles, or null when it runs for real. A list of sizes is the
 * campaign's to split: here it is an error (the config schema reports it with the key first).
 */
export function resolveEmulation(
  emulation: EmulationConfig | undefined,
  profiles: Record<string, Profile>,
  stackProfile: string,
): Emulation | null {
  if (emulation === undefined) return null;
  if (Array.isArray(emulation.nodes))
    throw new Error('schedbench:emulation.nodes: a list of sizes is a sweep; only a campaign runs one');
  const name = emulation.profile ?? stackProfile;
  const profile = profiles[name];
  if (profile === undefined) throw new Error(`schedbench:emulation.profile: no profile ${name}`);
  return { nodes: emulation.nodes, profile: name, vcpus: profile.vcpus, memoryGiB: profile.memoryGiB };
}

/** A stack's emulation for what can be known of it before `up`: null when real, or when its sizes are a list (refused). */
export function stackEmulation(config: {
  emulation?: EmulationConfig;
  profiles: Record<string, Profile>;
  profile: string;
}): Emulation | null {
  if (config.emulation === undefined || Array.isArray(config.emulation.nodes)) return null;
  return resolveEmulation(config.emulation, config.profiles, config.profile);
}

/**
 * The profile the scheduler and the workloads see: the stack's own when it runs for real, else N nodes of the
 * emulation's profile (named `<profile>×N`, so runs of different sizes never share a name).
 */
export function schedulingProfile(
  profiles: Record<string, Profile>,
  profileName: string,
  emulation: Emulation | null,
): { name: string; profile: Profile } | undefined {
  if (emulation === null) {
    const profile = profiles[profileName];
    return profile === undefined ? undefined : { name: profileName, profile };
  }
  const sizedFrom = profiles[emulation.profile]?.sizedFrom;
  return {
    name: `${emulation.profile}x${emulation.nodes}`,
    profile: {
      nodes: emulation.nodes,
      vcpus: emulation.vcpus,
      memoryGiB: emulation.memoryGiB,
      ...(sizedFrom === undefined ? {} : { sizedFrom }),
    },
  };
}

/**
 * The emulated nodes' names: `e0001 …`, zero-padded to the width of N so they sort and form ranges. Short: they are
 * the scheduler's names within one cluster only (each cluster has its own configuration and runtime directory),
 * and a slurmstepd socket path holds one twice.
 */
export function emulatedNodeNames(count: number): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `e${String(i + 1).padStart(width, '0')}`);
}

/**
 * Which emulated nodes each real node runs, in the order of `hosts`: contiguous blocks, as even as they can be (the
 * first hosts take one more when N does not divide), so each block is one range (`e[0001-0512]`) — schedulers'
 * configurations then declare a block in one line, which every one of their commands parses faster.
 */
export function spreadOver<T>(hosts: readonly T[], names: readonly string[]): { host: T; names: string[] }[] {
  const per = Math.floor(names.length / hosts.length);
  const extra = names.length % hosts.length;
  let next = 0;
  return hosts.map((host, i) => {
    const take = per + (i < extra ? 1 : 0);
    const block = names.slice(next, next + take);
    next += take;
    return { host, names: block };
  });
}
