// The stack config (`schedbench:*` keys of Pulumi.<stack>.yaml): one zod schema, defaults applied here,
// cross-field rules in `superRefine`. BenchConfig, the resolved config the program uses, is inferred from it.
import { z } from 'zod';
import { DEFAULT_WORKLOADS } from '../../workloads/names';
import { WorkloadDefinition, WorkloadNameText } from '../../workloads/definition';
import { knownWorkloads, workloadDefinition } from '../../workloads/catalog';
import { definitionProblems, expandDefinition } from '../../workloads/expand';
import { schedulerOptionSchemas } from '../schedulers/registry';
import { TrackingOptions } from '../tracking/options';
import { safeName, safePath } from './names';
import { DEFAULT_OBJECTIVES, OBJECTIVE_METRICS } from '../../analysis/objectives';
import { SCHEDULER_NAMES } from '../../results/vocabulary';
import { nearest } from './suggest';
import { DEFAULT_PROFILES, Profile } from './profile';
import { BackendConfig } from '../nodes/backend-config';
import { EmulationConfig, emulationSizes, sizedProfiles } from './emulation';

export { DEFAULT_PROFILES, Profile } from './profile';

export const Host = z.strictObject({
  /** Name of the machine the nodes run on (provenance, reports). */
  name: safeName('host.name').default('localhost'),
  /** Physical cores of the host (required for VM backends: capacity check, pinning). */
  cores: z.number().int().min(1).max(4096).optional(),
  /** CPU sockets (NUMA nodes) of the host, for NUMA-aware pinning. */
  sockets: z.number().int().min(1).max(16).default(1),
  /** Host memory (GiB). */
  memoryGiB: z.number().min(1).max(65536).optional(),
  /** What the host keeps for itself; VM profiles must fit in the rest. */
  reserve: z
    .strictObject({
      cores: z.number().int().min(0).default(2),
      memoryGiB: z.number().min(0).default(8),
    })
    .default({ cores: 2, memoryGiB: 8 }),
  /** Linear power model for energy estimates when nothing is measured (W, whole host). */
  power: z.strictObject({ idleWatts: z.number().min(0), maxWatts: z.number().min(0) }).optional(),
});
export type Host = z.infer<typeof Host>;

const Objective = z.strictObject({
  /** A per-run metric of the analysis (analysis/metrics.ts), e.g. makespanSeconds, waitMeanSeconds. */
  metric: z.string().superRefine((metric, ctx) => {
    if ((OBJECTIVE_METRICS as readonly string[]).includes(metric)) return;
    const guess = nearest(metric, OBJECTIVE_METRICS);
    ctx.addIssue({
      code: 'custom',
      message: `unknown metric "${metric}"${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; allowed: ${OBJECTIVE_METRICS.join(', ')}`,
    });
  }),
  direction: z.enum(['min', 'max']),
});

const DEFAULT_OBJECTIVE_LIST = DEFAULT_OBJECTIVES.map((o) => ({ ...o }));

/**
 * Every workload the stack names exists (a preset or one of its definitions), no definition takes a preset's name,
 * and every job of every workload fits the profile it runs on — each problem named by its key, before anything is
 * created.
 */
function checkWorkloads(
  cfg: {
    workloads: string[];
    seed: number;
    workloadDefinitions: Record<string, WorkloadDefinition>;
    workloadProfiles: Record<string, string>;
    profiles: Record<string, Profile>;
    profile: string;
    emulation?: EmulationConfig;
  },
  ctx: z.RefinementCtx,
): void {
  const known = knownWorkloads(cfg.workloadDefinitions);
  for (const name of Object.keys(cfg.workloadDefinitions)) {
    if (workloadDefinition(name) !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['workloadDefinitions', name],
        message: `${name} is a preset's name; give your workload another name`,
      });
  }
  cfg.workloads.forEach((name, i) => {
    const definition = workloadDefinition(name, cfg.workloadDefinitions);
    if (definition === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['workloads', i],
        message: `no such workload; allowed: ${known.join(', ')}`,
      });
      return;
    }
    const own = cfg.workloadDefinitions[name] !== undefined;
    for (const { name: profileName, profile } of profilesOf(cfg, name))
      checkWorkloadOn(cfg, definition, { name, own, index: i }, profileName, profile, ctx);
  });
  for (const name of Object.keys(cfg.workloadProfiles)) {
    if (!known.includes(name))
      ctx.addIssue({
        code: 'custom',
        path: ['workloadProfiles', name],
        message: `no such workload; allowed: ${known.join(', ')}`,
      });
  }
}

/**
 * The profiles a workload is checked on: the one it is mapped to, or — emulated — that profile's node size at the
 * smallest and the largest emulated size (a workload that fits both fits every size between: counts scale with N).
 */
function profilesOf(
  cfg: {
    profiles: Record<string, Profile>;
    profile: string;
    workloadProfiles: Record<string, string>;
    emulation?: EmulationConfig;
  },
  workload: string,
): { name: string; profile: Profile }[] {
  const sizes = cfg.emulation && emulationSizes(cfg.emulation);
  const ends = sizes && [...new Set([Math.min(...sizes), Math.max(...sizes)])];
  return sizedProfiles(cfg, cfg.workloadProfiles[workload] ?? cfg.profile, ends);
}

function checkWorkloadOn(
  cfg: { seed: number },
  definition: WorkloadDefinition,
  where: { name: string; own: boolean; index: number },
  profileName: string,
  profile: Profile,
  ctx: z.RefinementCtx,
): void {
  const { name, own, index: i } = where;
  const problems = definitionProblems(definition, profile, profileName);
  for (const problem of problems) {
    ctx.addIssue({
      code: 'custom',
      path: own ? ['workloadDefinitions', name, ...problem.path] : ['workloads', i],
      message: own ? problem.message : `preset ${name}, ${problem.path.join('.')}: ${problem.message}`,
    });
  }
  if (problems.length > 0) return;
  // What only the expansion finds (a random process that would make too many jobs).
  try {
    expandDefinition(definition, profile, profileName, cfg.seed);
  } catch (e) {
    ctx.addIssue({
      code: 'custom',
      path: own ? ['workloadDefinitions', name] : ['workloads', i],
      message: `on profile ${profileName}: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

export const BenchConfigSchema = z
  .strictObject({
    /** Which scheduler this stack stands up. */
    scheduler: z.enum(SCHEDULER_NAMES),
    /** Name of the resource profile (a key of `profiles`). */
    profile: safeName('profile'),
    /** Resource profiles: node count, vCPUs and memory per node. */
    profiles: z.record(safeName('profiles key'), Profile).default(DEFAULT_PROFILES),
    /** Where nodes come from. */
    backend: BackendConfig,
    /** The machine the nodes run on. */
    host: Host.default({ name: 'localhost', sockets: 1, reserve: { cores: 2, memoryGiB: 8 } }),
    /**
     * The campaign this stack belongs to (set by `schedbench campaign`; recorded in every result). Identity,
     * not configuration: it does not enter the config hash.
     */
    campaignId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'letters, digits, _ . - only (at most 64)' })
      .optional(),
    /** Cluster name: hostnames, paths, interfaces and the scheduler's cluster name derive from it. Default: the stack name. */
    clusterName: safeName('clusterName').optional(),
    /** Workloads this stack runs, in order. */
    workloads: z
      .array(WorkloadNameText)
      .min(1)
      .default([...DEFAULT_WORKLOADS]),
    /**
     * The stack's own workloads, by name: job groups as data (workloads/definition.ts, docs/workloads.md). A name
     * here may then appear in `workloads`; it may not be a preset's.
     */
    workloadDefinitions: z.record(WorkloadNameText, WorkloadDefinition).default({}),
    /** Seed of every random arrival (a definition may set its own); recorded in every RunResult. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    /** Which profile each workload is meant for; a stack runs only the workloads mapped to its profile (or unmapped). */
    workloadProfiles: z.record(WorkloadNameText, safeName('workloadProfiles value')).default({}),
    /**
     * Last stage this stack builds: `nodes` (nodes up and reachable over SSH), `scheduler` (cluster validated),
     * `runs` (workloads run, results written) or `analysis` (the post-deploy report too). Default `analysis`.
     */
    stopAfter: z.enum(['nodes', 'scheduler', 'runs', 'analysis']).default('analysis'),
    /** Repetitions of each workload. */
    repetitions: z.number().int().min(1).max(100).default(3),
    /** Idle time between two workload runs (s), so one run's tail never pollutes the next. */
    idleGapSeconds: z.number().min(0).max(3600).default(5),
    /** Multiplier on a run's expected duration that bounds how long it may take before it is cancelled. */
    timeoutFactor: z.number().min(1).max(100).default(4),
    sampling: z
      .strictObject({
        /** Node and scheduler sample interval (ms). */
        intervalMs: z.number().int().min(100).max(60000).default(1000),
        /** Scheduler cycle statistics (sdiag) at most this often during a run (s). */
        statsIntervalSeconds: z.number().int().min(30).max(3600).default(30),
      })
      .default({ intervalMs: 1000, statsIntervalSeconds: 30 }),
    /** Where RunResult files go, relative to the project directory (or absolute). */
    resultsDir: safePath('resultsDir').default('runs'),
    /** Order in which a campaign stands up schedulers on this host (one stack each). */
    schedulerOrder: z
      .array(z.enum(SCHEDULER_NAMES))
      .min(1)
      .default([...SCHEDULER_NAMES]),
    /**
     * Tear a campaign's cluster down as soon as its results are exported, before the next scheduler stands up
     * (no measurement shares the host with another cluster). `false` keeps every cluster.
     */
    autoTeardown: z.boolean().default(true),
    /** Each scheduler's own section, `schedbench:<name>`, from its module (components/schedulers/registry.ts). */
    ...schedulerOptionSchemas(),
    analysis: z
      .strictObject({
        /** Pareto objectives. */
        objectives: z.array(Objective).min(1).default(DEFAULT_OBJECTIVE_LIST),
        /** `stack`: analyse this stack's results; `all`: every stack's results under resultsDir. */
        scope: z.enum(['stack', 'all']).default('stack'),
      })
      .default({ objectives: DEFAULT_OBJECTIVE_LIST, scope: 'stack' }),
    /** Experiment tracking of every RunResult in MLflow: `{mlflow: {uri}, experiment}`. Absent (default): off. */
    tracking: TrackingOptions.optional(),
    /**
     * Emulated execution (components/config/emulation.ts, docs/scale.md): the scheduler decides for `nodes` emulated
     * nodes spread over the real ones, and jobs last their time without load. Absent (default): real execution.
     */
    emulation: EmulationConfig.optional(),
  })
  .superRefine((cfg, ctx) => {
    const profile = cfg.profiles[cfg.profile];
    if (profile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['profile'],
        message: `no such profile; allowed: ${Object.keys(cfg.profiles).join(', ')}`,
      });
    }
    for (const [workload, name] of Object.entries(cfg.workloadProfiles)) {
      if (cfg.profiles[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['workloadProfiles', workload],
          message: `no such profile; allowed: ${Object.keys(cfg.profiles).join(', ')}`,
        });
      }
    }
    checkWorkloads(cfg, ctx);
    if (new Set(cfg.workloads).size !== cfg.workloads.length) {
      ctx.addIssue({ code: 'custom', path: ['workloads'], message: 'each workload may appear once' });
    }
    if (new Set(cfg.schedulerOrder).size !== cfg.schedulerOrder.length) {
      ctx.addIssue({ code: 'custom', path: ['schedulerOrder'], message: 'each scheduler may appear once' });
    }
    if (cfg.host.power !== undefined && cfg.host.power.maxWatts < cfg.host.power.idleWatts) {
      ctx.addIssue({
        code: 'custom',
        path: ['host', 'power', 'maxWatts'],
        message: 'must be ≥ host.power.idleWatts',
      });
    }
    if (cfg.backend.type === 'hosts' && profile !== undefined && cfg.backend.hosts.length < profile.nodes) {
      ctx.addIssue({
        code: 'custom',
        path: ['backend', 'hosts'],
        message: `profile ${cfg.profile} needs ${profile.nodes} hosts, ${cfg.backend.hosts.length} listed`,
      });
    }
    if (cfg.backend.type === 'hosts') {
      const names = cfg.backend.hosts.map((h) => h.name);
      if (new Set(names).size !== names.length) {
        ctx.addIssue({ code: 'custom', path: ['backend', 'hosts'], message: 'host names must be unique' });
      }
    }
    if (cfg.emulation?.profile !== undefined && cfg.profiles[cfg.emulation.profile] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['emulation', 'profile'],
        message: `no such profile; allowed: ${Object.keys(cfg.profiles).join(', ')}`,
      });
    }
    if (cfg.backend.type === 'libvirt' && profile !== undefined)
      checkVmCapacity(cfg.profile, profile, cfg.host, cfg.backend.uris.length, ctx);
  });

/**
 * VM backends: the profile's nodes must fit in each hypervisor after its reserve. Nodes are spread round-robin
 * over `hypervisors` hosts of the same shape, so the busiest one carries ceil(nodes / hypervisors) of them.
 */
function checkVmCapacity(
  name: string,
  profile: Profile,
  host: Host,
  hypervisors: number,
  ctx: z.RefinementCtx,
): void {
  const perHost = Math.ceil(profile.nodes / hypervisors);
  const where =
    hypervisors === 1
      ? `host ${host.name}`
      : `each of the ${hypervisors} hypervisors (${perHost} nodes on the busiest)`;
  if (host.cores === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['host', 'cores'],
      message: 'required for the libvirt backend (capacity check)',
    });
  } else {
    const usable = host.cores - host.reserve.cores;
    const need = perHost * profile.vcpus;
    if (need > usable) {
      ctx.addIssue({
        code: 'custom',
        path: ['profile'],
        message: `profile ${name} needs ${perHost} × ${profile.vcpus} = ${need} vCPUs but ${where} has ${host.cores} cores − ${host.reserve.cores} reserved = ${usable}`,
      });
    }
  }
  if (host.memoryGiB === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['host', 'memoryGiB'],
      message: 'required for the libvirt backend (capacity check)',
    });
  } else {
    const usable = host.memoryGiB - host.reserve.memoryGiB;
    const need = perHost * profile.memoryGiB;
    if (need > usable) {
      ctx.addIssue({
        code: 'custom',
        path: ['profile'],
        message: `profile ${name} needs ${perHost} × ${profile.memoryGiB} GiB = ${need} GiB but ${where} has ${host.memoryGiB} GiB − ${host.reserve.memoryGiB} reserved = ${usable} GiB`,
      });
    }
  }
}

/** The validated config with every default applied and the cluster name resolved. */
export type BenchConfig = Omit<z.infer<typeof BenchConfigSchema>, 'clusterName'> & {
  clusterName: string;
  /** The stack this config belongs to. */
  stack: string;
};
