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
 * `emulation` at one of its sizes, resolved against the profiles (its own profile, else the stack's), or undefined
 * when that profile does not exist (the config schema reports it with its key).
 */
function emulationOfSize(
  emulation: EmulationConfig,
  nodes: number,
  profiles: Record<string, Profile>,
  stackProfile: string,
): Emulation | undefined {
  const name = emulation.profile ?? stackProfile;
  const profile = profiles[name];
  return profile && { nodes, profile: name, vcpus: profile.vcpus, memoryGiB: profile.memoryGiB };
}

/** A stack's emulation for what can be known of it before `up`: null when real, or when its sizes are a list (refused). */
export function stackEmulation(config: {
  emulation?: EmulationConfig;
  profiles: Record<string, Profile>;
  profile: string;
}): Emulation | null {
  const emulation = config.emulation;
  if (emulation === undefined || Array.isArray(emulation.nodes)) return null;
  const resolved = emulationOfSize(emulation, emulation.nodes, config.profiles, config.profile);
  if (resolved === undefined)
    throw new Error(`schedbench:emulation.profile: no profile ${emulation.profile ?? config.profile}`);
  return resolved;
}

/**
 * The profiles the workloads of `stackProfile` are sized for: that profile when the config runs for real, else the
 * emulation's at each of `sizes` (by default every size it asks for) — as schedulingProfile names and sizes them.
 * A profile that does not exist gives none (the config schema reports it).
 */
export function sizedProfiles(
  config: { emulation?: EmulationConfig; profiles: Record<string, Profile> },
  stackProfile: string,
  sizes?: readonly number[],
): { name: string; profile: Profile }[] {
  const { emulation, profiles } = config;
  const emulations =
    emulation === undefined
      ? [null]
      : (sizes ?? emulationSizes(emulation)).map((n) =>
          emulationOfSize(emulation, n, profiles, stackProfile),
        );
  return emulations.flatMap((e) => {
    const sized = e === undefined ? undefined : schedulingProfile(profiles, stackProfile, e);
    return sized === undefined ? [] : [sized];
  });
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
