// What a valid config can still ask for that this host or a scheduler cannot honour — a scheduler that is not
// installed, a profile bigger than the machine its netns nodes share, a socket path longer than a Unix socket
// address — found from the config and the host's facts alone, before anything is created. `validate`, `preview`,
// `up` and a campaign's plan all ask here, so the refusal names the same key everywhere.
import type { HostFacts } from '../nodes/host-facts';
import {
  schedulerAvailability,
  schedulerCapacityProblem,
  schedulerSocketPaths,
} from '../schedulers/registry';
import { overLimit } from '../schedulers/runtime-dir';
import { NAMESPACE, type ConfigError } from './parse';
import type { BenchConfig } from './schema';

const GIB_MIB = 1024;

/** Every reason the stack cannot be stood up here, each naming the key, the value and what would fit. */
export function admissionErrors(config: BenchConfig, host: HostFacts): ConfigError[] {
  return [...emulationErrors(config), ...schedulerErrors(config, host), ...capacityErrors(config, host)];
}

/**
 * What the scheduler is there for but cannot do here: the profile does not fit the host or the scheduler, a path
 * is too long. (A campaign skips a scheduler that is not available, but refuses to start on any of these.)
 */
export function capacityErrors(config: BenchConfig, host: HostFacts): ConfigError[] {
  const problem = schedulerCapacityProblem(config, host);
  return [
    ...(problem === undefined
      ? []
      : [{ key: `${NAMESPACE}:profile`, value: JSON.stringify(config.profile), message: problem }]),
    ...sharedHostErrors(config, host),
    ...socketErrors(config, host),
  ];
}

/** A list of emulation sizes is a sweep: only a campaign splits it into stacks of one size each. */
function emulationErrors(config: BenchConfig): ConfigError[] {
  const nodes = config.emulation?.nodes;
  if (!Array.isArray(nodes)) return [];
  return [
    {
      key: `${NAMESPACE}:emulation.nodes`,
      value: JSON.stringify(nodes),
      message:
        'a list of sizes is a scale sweep: run it with `npx schedbench campaign <stack file>` (one stack per size); ' +
        'a stack stands one size up, e.g. nodes: ' +
        String(nodes[0]),
    },
  ];
}

function schedulerErrors(config: BenchConfig, host: HostFacts): ConfigError[] {
  const availability = schedulerAvailability(config, host);
  if (availability.available) return [];
  return [
    { key: `${NAMESPACE}:scheduler`, value: JSON.stringify(config.scheduler), message: availability.reason },
  ];
}

/** netns nodes share this machine: together they cannot have more memory than it has. */
function sharedHostErrors(config: BenchConfig, host: HostFacts): ConfigError[] {
  const profile = config.profiles[config.profile];
  if (config.backend.type !== 'netns' || profile === undefined) return [];
  const askedMiB = profile.nodes * profile.memoryGiB * GIB_MIB;
  if (askedMiB <= host.memoryMiB) return [];
  const fits = Math.floor((host.memoryMiB / profile.nodes / GIB_MIB) * 4) / 4;
  return [
    {
      key: `${NAMESPACE}:profile`,
      value: JSON.stringify(config.profile),
      message:
        `profile ${config.profile} asks for ${profile.nodes} × ${profile.memoryGiB} GiB = ${profile.nodes * profile.memoryGiB} GiB, ` +
        `but the netns nodes share this host's ${(host.memoryMiB / GIB_MIB).toFixed(1)} GiB: give ` +
        `profiles.${config.profile}.memoryGiB at most ${fits}, or use the host profile (sized from this machine)`,
    },
  ];
}

/** Socket paths derive from the cluster's name and state directory: each must fit a Unix socket address. */
function socketErrors(config: BenchConfig, host: HostFacts): ConfigError[] {
  const problems = overLimit(schedulerSocketPaths(config, host));
  if (problems.length === 0) return [];
  return [
    {
      key: `${NAMESPACE}:clusterName`,
      value: JSON.stringify(config.clusterName),
      message: `${problems.join('; ')}: use a shorter clusterName (or stack name) or backend.stateDir`,
    },
  ];
}
