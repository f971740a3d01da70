// The conformance suite: every scheduler of the registry's table, and a stand-in fourth one defined only here, go
// through the same checks — the module object, the resource tree under mocks, rendering the same JobSpecs,
// normalising recorded outputs to the neutral job states, refusals before anything is created. Every check is a
// function of a module (and of what entries.ts knows of its recordings); none names a scheduler, so a new one
// needs its folder, one table line, and its recordings in entries.ts (the compiler points at each).
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { unwrapSecrets } from '../../../cli/runner/engine';
import { admissionErrors } from '../../../components/config/admission';
import { safeName } from '../../../components/config/names';
import { formatErrors, parseConfig } from '../../../components/config/parse';
import type { BenchConfig } from '../../../components/config/schema';
import { renderPlan } from '../../../components/jobs/plan';
import { jobTimeLimitMinutes, JobSpec } from '../../../components/jobs/spec';
import type { HostFacts } from '../../../components/nodes/host-facts';
import { plannedNodeNames } from '../../../components/nodes/names';
import { remoteCommand } from '../../../components/nodes/remote';
import type { Node } from '../../../components/nodes/types';
import { epochToIso } from '../../../components/samplers/convert';
import {
  SchedulerProvenance,
  type RunParams,
  type RunStages,
  type SchedulerCluster,
  type SchedulerNormaliser,
  type StageCommand,
  type StageOutputs,
} from '../../../components/schedulers/contract';
import {
  pluginVersionVariable,
  type SchedulerCreateArgs,
  type SchedulerModule,
  type SchedulerSite,
} from '../../../components/schedulers/module';
import {
  SCHEDULERS,
  schedulerAvailability,
  schedulerCapacityProblem,
  schedulerClusterOptions,
  schedulerImageContent,
  schedulerSocketPaths,
  schedulerStateDir,
} from '../../../components/schedulers/registry';
import { overLimit, runtimeDir, UNIX_SOCKET_MAX_BYTES } from '../../../components/schedulers/runtime-dir';
import { bashCommand } from '../../../components/script';
import { JobRecord, SchedulerSample, SchedulerStats, type JobState } from '../../../results/schema';
import type { SchedulerName } from '../../../results/vocabulary';
import { expandWorkload, runTimeoutSeconds } from '../../../workloads/catalog';
import { runProgram, type ProgramRun, type Registered, type StdoutFor } from '../../helpers/program';
import {
  ENTRIES,
  NEUTRAL_JOB_STATE,
  NEUTRAL_STATES,
  SECRET_MARKER,
  type ConformanceEntry,
  type StateCoverage,
} from './entries';

// ---------------------------------------------------------------------------------------------------------------
// What the checks take: a scheduler module whose name (and its cluster's) may be any string, so that a stand-in
// whose name is not in the vocabulary goes through the very checks the table's entries do.

/** The contract's cluster, its scheduler's name widened to any string. */
type ConformantCluster = Omit<SchedulerCluster, 'scheduler'> & { readonly scheduler: string };

/** SchedulerModule, its name widened to any string (every table entry is one). */
type Conformant<Options = unknown> = Omit<SchedulerModule<SchedulerName, Options>, 'name' | 'create'> & {
  readonly name: string;
  create(
    name: string,
    args: SchedulerCreateArgs<Options>,
    opts?: pulumi.ComponentResourceOptions,
  ): ConformantCluster;
};

interface Subject {
  module: Conformant;
  entry: ConformanceEntry;
  /** Its name in the vocabulary, when the registry's table holds it (the program and admission read the table). */
  tableName?: SchedulerName;
}

// ---------------------------------------------------------------------------------------------------------------
// The stand-in fourth scheduler, PBS-like: options, a component made of @pulumi/command resources, a normaliser
// over a small hand-written accounting output (test/fixtures/schedulers/pbs). Nothing outside this file knows it.

const PbsOptions = z
  .strictObject({
    /** The queue every job is submitted to. */
    queue: safeName('pbs.queue').default('workq'),
    /** Seconds validation waits for every pbs_mom to report. */
    validateTimeoutSeconds: z.number().int().min(10).max(3600).default(60),
  })
  .default({ queue: 'workq', validateTimeoutSeconds: 60 });
type PbsOptions = z.infer<typeof PbsOptions>;

/** A stage of the stand-in: fixed text; its parameters arrive as SCHEDBENCH_* (components/nodes/remote.ts). */
const pbsScript = (verb: string, body: string): string =>
  bashCommand(`set -euo pipefail\n: "\${SCHEDBENCH_ROOT:?}"\n${body}\n`, `${verb}.sh`);

/** What the stand-in's validate stage prints. */
const PbsValidated = z.strictObject({
  version: z.string(),
  os: z.string(),
  kernel: z.string(),
  host: z.string(),
  hostCpus: z.number().int().positive(),
});

class PbsCluster extends pulumi.ComponentResource implements ConformantCluster {
  readonly scheduler = 'pbs';
  readonly nodes: Node[];
  readonly stateDir: string;
  readonly validated: pulumi.Resource;
  readonly provenance: pulumi.Output<SchedulerProvenance>;
  private readonly server: Node;
  private readonly env: Record<string, string>;

  constructor(name: string, args: SchedulerCreateArgs<PbsOptions>, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:pbs:Cluster', name, {}, opts);
    const server = args.nodes[0];
    if (server === undefined) throw new pulumi.ResourceError('pbs: a cluster needs at least one node', this);
    this.nodes = args.nodes;
    this.stateDir = args.stateDir;
    this.server = server;
    this.env = { ROOT: args.stateDir, QUEUE: args.options.queue };
    const key = new command.local.Command(
      `${name}-server-key`,
      { create: 'head -c 32 /dev/urandom | base64 -w0', logging: 'none' },
      { parent: this, additionalSecretOutputs: ['stdout'] },
    );
    const moms = args.nodes.map((node) => {
      const install = remoteCommand(
        `${name}-install-${node.name}`,
        { connection: node.connection, create: pbsScript('install', 'command -v pbs_mom >/dev/null') },
        { parent: this, dependsOn: [node.ready] },
      );
      return remoteCommand(
        `${name}-mom-${node.name}`,
        {
          connection: node.connection,
          create: pbsScript('start', 'umask 077; cat > "$SCHEDBENCH_ROOT/server.key"'),
          delete: pbsScript('stop', 'rm -f "$SCHEDBENCH_ROOT/server.key"'),
          environment: { ...this.env, NODE: node.name, SERVER: server.address },
          stdin: pulumi.secret(key.stdout),
        },
        { parent: this, dependsOn: [install, key] },
      );
    });
    const validate = remoteCommand(
      `${name}-validate`,
      {
        connection: server.connection,
        create: pbsScript('validate', 'pbsnodes -av >&2'),
        environment: {
          ...this.env,
          EXPECTED_NODES: args.nodes.map((n) => `${n.name} ${n.vcpus}`).join('\n'),
          VALIDATE_TIMEOUT: String(args.options.validateTimeoutSeconds),
        },
      },
      { parent: this, dependsOn: moms },
    );
    this.validated = validate;
    this.provenance = validate.stdout.apply((out) => {
      const v = PbsValidated.parse(JSON.parse(out));
      return SchedulerProvenance.parse({
        version: v.version,
        packages: { pbs: v.version },
        os: v.os,
        kernel: v.kernel,
        host: v.host,
        hostCpus: v.hostCpus,
        settings: { queue: args.options.queue },
      });
    });
    this.registerOutputs({ provenance: this.provenance });
  }

  runStages(run: RunParams): RunStages {
    const on = (verb: string, environment: StageCommand['environment'], del?: string): StageCommand => ({
      node: this.server,
      create: pbsScript(verb, `printf '{}'`),
      ...(del === undefined ? {} : { delete: del }),
      environment: { ...this.env, SCHEDBENCH_SKIP: run.skip, RUN_KEY: run.slug, ...environment },
    });
    return {
      samplerStart: on('sampler-start', {}, pbsScript('sampler-stop', 'true')),
      samplerStop: on('sampler-stop', {}),
      submit: on('submit', {
        PLAN: renderPlan(run.specs, run.timeoutFactor),
        IDLE_GAP_SECONDS: String(run.idleGapSeconds),
      }),
      wait: on('wait', { TIMEOUT_SECONDS: String(run.timeoutSeconds) }),
      collect: on('collect', {}),
      jobFilesDir: pulumi.interpolate`${this.stateDir}/jobs/out/${run.slug}`,
    };
  }
}

/** One job of the stand-in's accounting (`qstat -x -f -F json`-like). */
const PbsJob = z.looseObject({
  Job_Name: z.string(),
  job_state: z.string(),
  Exit_status: z.number().int().optional(),
  exec_host: z.string().optional(),
  qtime: z.number().positive(),
  stime: z.number().positive().optional(),
  obittime: z.number().positive().optional(),
  Resource_List: z.looseObject({ ncpus: z.number().int().positive(), mem: z.string().regex(/^\d+[kmg]b$/) }),
});
type PbsJob = z.infer<typeof PbsJob>;
const PbsAccounting = z.looseObject({ Jobs: z.record(z.string(), PbsJob) });
/** What the stand-in's collect stage prints. */
const PbsCollect = z.strictObject({ qstat: z.string() });

/** The stand-in's Exit_status codes (test/fixtures/schedulers/README.md). */
function pbsState(job: PbsJob): JobState {
  if (job.job_state !== 'F') return job.job_state === 'R' ? 'RUNNING' : 'PENDING';
  const code = job.Exit_status;
  if (code === 0) return 'COMPLETED';
  if (code === -29) return 'TIMEOUT';
  if (code === -27) return 'OUT_OF_MEMORY';
  if (code === -3) return 'NODE_FAIL';
  if (code !== undefined && code > 256) return 'CANCELLED';
  if (code !== undefined && code > 0) return 'FAILED';
  return 'UNKNOWN';
}

const mebibytes = (mem: string): number => {
  const [, n, unit] = /^(\d+)([kmg])b$/.exec(mem) ?? [];
  return Number(n) * (unit === 'g' ? 1024 : unit === 'k' ? 1 / 1024 : 1);
};

const pbsNormaliser: SchedulerNormaliser = {
  normalise(outputs) {
    const accounting = PbsAccounting.parse(
      JSON.parse(PbsCollect.parse(JSON.parse(outputs.collect)).qstat),
    ).Jobs;
    const jobs: JobRecord[] = [];
    const missing: string[] = [];
    for (const submitted of outputs.submit.jobs) {
      const job = accounting[submitted.id];
      if (job === undefined) {
        missing.push(submitted.id);
        continue;
      }
      const code = job.Exit_status;
      const started = job.stime !== undefined;
      jobs.push(
        JobRecord.parse({
          id: submitted.id,
          name: job.Job_Name,
          specIndex: submitted.specIndex,
          state: pbsState(job),
          rawState: `${job.job_state} (Exit_status ${String(code)})`,
          exitCode: started && code !== undefined && code >= 0 && code < 256 ? code : null,
          signal: code !== undefined && code > 256 ? code - 256 : null,
          submitTime: epochToIso(job.qtime),
          eligibleTime: null,
          startTime: job.stime === undefined ? null : epochToIso(job.stime),
          endTime: started && job.obittime !== undefined ? epochToIso(job.obittime) : null,
          elapsedSeconds:
            job.stime !== undefined && job.obittime !== undefined ? job.obittime - job.stime : null,
          requestedCpus: job.Resource_List.ncpus,
          requestedMemoryMiB: mebibytes(job.Resource_List.mem),
          allocatedCpus: started ? job.Resource_List.ncpus : null,
          nodes: (job.exec_host ?? '')
            .split('+')
            .filter((h) => h !== '')
            .map((h) => h.split('/')[0] ?? h),
          totalCpuSeconds: null,
          maxRssMiB: null,
          metrics: {},
          precise: null,
        }),
      );
    }
    return { jobs, missing, schedulerSamples: [], schedulerStats: [], notes: [] };
  },
};

const pbs: Conformant<PbsOptions> = {
  name: 'pbs',
  label: 'PBS (stand-in)',
  options: PbsOptions,
  availability: () => ({ available: true }),
  capacityProblem: () => undefined,
  socketPaths: (site) =>
    site.nodes.map((node) => ({
      what: `pbs_mom socket of node ${node}`,
      path: path.posix.join(runtimeDir(site.stateDir), node, 'mom.sock'),
      limit: UNIX_SOCKET_MAX_BYTES,
    })),
  imageContent: () => ({ packages: [], overlays: [] }),
  clusterOptions: (site) => site.options,
  emulationMode: null,
  providerPlugins: [],
  commands: [],
  normaliser: pbsNormaliser,
  create: (name, args, opts) => new PbsCluster(name, args, opts),
};

/** The stand-in's accounting output, in its collect envelope; every job submitted (spec index from the name). */
function pbsRecording(): StageOutputs {
  const qstat = readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'schedulers', 'pbs', 'qstat-f.json'),
    'utf8',
  );
  const jobs = Object.entries(PbsAccounting.parse(JSON.parse(qstat)).Jobs);
  return {
    submit: {
      startedAt: epochToIso(Math.min(...jobs.map(([, j]) => j.qtime))),
      endedAt: epochToIso(Math.max(...jobs.map(([, j]) => j.qtime))),
      jobs: jobs.map(([id, j]) => ({
        id,
        specIndex: Number(/\.s(\d+)-/.exec(j.Job_Name)?.[1] ?? 0),
        name: j.Job_Name,
      })),
    },
    wait: { timedOut: false, waitedSeconds: 62 },
    collect: JSON.stringify({ qstat }),
    samplerStop: JSON.stringify({ skipped: true }),
    nodeJobFiles: [],
  };
}

const pbsCase = (job: string, exitCode?: number) => [
  {
    source: `pbs/qstat-f.json (hand-written for the stand-in), job ${job}`,
    outputs: pbsRecording,
    job,
    ...(exitCode === undefined ? {} : { exitCode }),
  },
];
const PBS_STATES: StateCoverage = {
  completed: pbsCase('101.sb-n1', 0),
  'failed with exit code': pbsCase('102.sb-n1', 3),
  timeout: pbsCase('103.sb-n1'),
  cancelled: [...pbsCase('104.sb-n1'), ...pbsCase('107.sb-n1')],
  'out of memory': pbsCase('105.sb-n1'),
  'node failure': pbsCase('106.sb-n1'),
};

const PBS_ENTRY: ConformanceEntry = {
  section: () => ({ queue: 'zqueue' }),
  stdout: (name, _inputs, cluster) => {
    if (name === `${cluster}-server-key`) return 'SECRET-pbs-server-key';
    if (name === `${cluster}-validate`)
      return JSON.stringify({ version: '23.06', os: 'Debian', kernel: '6.1.0', host: 'h', hostCpus: 2 });
    return undefined;
  },
  states: PBS_STATES,
};

// ---------------------------------------------------------------------------------------------------------------
// The subjects: every entry of the registry's table, then the stand-in.

const TABLE_SUBJECTS: Subject[] = Object.values(SCHEDULERS).map((module) => ({
  module,
  entry: ENTRIES[module.name],
  tableName: module.name,
}));
const SUBJECTS: Subject[] = [...TABLE_SUBJECTS, { module: pbs, entry: PBS_ENTRY }];
/** The table as a fourth scheduler would extend it: one more line. */
const EXTENDED_TABLE: Readonly<Record<string, Conformant>> = { ...SCHEDULERS, pbs };

const each = (subjects: readonly Subject[]): [string, Subject][] => subjects.map((s) => [s.module.name, s]);

/** A fixed machine, so the `host` profile and capacity do not follow the one the tests run on. */
const HOST: HostFacts = { cores: 8, memoryMiB: 32 * 1024 };
const BIG_HOST: HostFacts = { cores: 128, memoryMiB: 512 * 1024 };
/** Names of the conformance stacks: distinctive, so a command text that carries one is found. */
const CLUSTER = 'zq7x';
const PROFILE = 'pq9';

const SCRATCH = mkdtempSync(path.join(tmpdir(), 'schedbench-conformance-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const REPO = path.join(__dirname, '..', '..', '..');
const stackFile = (stack: string): Record<string, unknown> =>
  z
    .strictObject({ config: z.record(z.string(), z.unknown()) })
    .parse(parseYaml(readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), 'utf8'))).config;

/**
 * What `subject` is told of the stack `raw` (its own section from its entry): the config parsed with a fixed host,
 * then the site as the registry builds it — the module's state directory beside the configured scheduler's.
 */
function siteOf(
  subject: Subject,
  raw: Record<string, unknown>,
  stack: string,
  host: HostFacts,
): { config: BenchConfig; site: SchedulerSite<unknown> } {
  const section = subject.entry.section(SCRATCH);
  const own =
    subject.tableName === undefined
      ? {}
      : { 'schedbench:scheduler': subject.tableName, [`schedbench:${subject.tableName}`]: section };
  const result = parseConfig({ ...raw, ...own }, stack, () => host);
  if (!result.ok) throw new Error(`${subject.module.name}: stack ${stack}:\n${formatErrors(result.errors)}`);
  const config = result.config;
  const profile = config.profiles[config.profile];
  if (profile === undefined) throw new Error(`${subject.module.name}: no profile ${config.profile}`);
  return {
    config,
    site: {
      options: subject.module.options.parse(section),
      backend: config.backend,
      profile: { ...profile, name: config.profile },
      cluster: config.clusterName,
      stateDir: path.posix.join(path.posix.dirname(schedulerStateDir(config)), subject.module.name),
      nodes: plannedNodeNames(config, profile.nodes),
      host,
      emulation: null,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The module object.

/** Why an answer of `what` is malformed, or nothing. */
function availabilityProblems(what: string, answer: unknown): string[] {
  const ok = z
    .union([
      z.strictObject({ available: z.literal(true) }),
      z.strictObject({ available: z.literal(false), reason: z.string().trim().min(1) }),
    ])
    .safeParse(answer);
  return ok.success
    ? []
    : [`${what} is not {available: true} or {available: false, reason}: ${JSON.stringify(answer)}`];
}

const DebianPackage = /^[a-z0-9][a-z0-9+.-]+$/;
const ImageContentShape = z.strictObject({
  packages: z.array(z.string().regex(DebianPackage)),
  overlays: z.array(
    z.union([
      z.string().startsWith('/'),
      z.strictObject({
        path: z.string().startsWith('/'),
        identity: z.string().min(1),
        make: z.strictObject({ create: z.string().min(1), environment: z.record(z.string(), z.string()) }),
      }),
    ]),
  ),
  disabledUnits: z.array(z.string().regex(/^[A-Za-z0-9@._-]+\.(service|socket|timer)$/)).optional(),
});

/** Everything malformed in what `module` answers for `site` (prefixed with the scheduler and the site). */
function siteAnswerProblems(module: Conformant, site: SchedulerSite<unknown>, where: string): string[] {
  const at = `${module.name}: ${where}:`;
  const problems = availabilityProblems(`${at} availability`, module.availability(site));
  const capacity = module.capacityProblem(site);
  if (capacity !== undefined && capacity.trim() === '')
    problems.push(`${at} capacityProblem is an empty string`);
  for (const p of module.socketPaths(site)) {
    if (p.what.trim() === '' || !p.path.startsWith('/') || !(p.limit > 0))
      problems.push(`${at} socket path ${JSON.stringify(p)} lacks what, an absolute path or a limit`);
  }
  const image = ImageContentShape.safeParse(
    module.imageContent({ options: site.options, backend: site.backend }),
  );
  if (!image.success) problems.push(`${at} imageContent: ${image.error.message}`);
  const options = module.options.safeParse(module.clusterOptions(site));
  if (!options.success)
    problems.push(`${at} clusterOptions are refused by its own schema: ${options.error.message}`);
  return problems;
}

describe.each(each(SUBJECTS))('%s: 1. the module object', (name, subject) => {
  const { module, tableName } = subject;
  test(`${name}: its key in the table is its name, and its label says it`, () => {
    const keys = Object.entries(EXTENDED_TABLE)
      .filter(([, m]) => m === module)
      .map(([key]) => key);
    expect({ name, keys, label: module.label.trim() !== '' }).toEqual({ name, keys: [name], label: true });
  });

  test(`${name}: its options schema parses nothing to its defaults and refuses an unknown key, naming it`, () => {
    const defaults = module.options.parse({});
    expect(module.options.parse(undefined)).toEqual(defaults);
    expect(module.options.parse(defaults)).toEqual(defaults);
    const refused = module.options.safeParse({ conformanceUnknownKey: 1 });
    expect(refused.success).toBe(false);
    expect(refused.error?.message ?? '').toContain('conformanceUnknownKey');
  });

  if (tableName !== undefined)
    test(`${name}: the stack config takes its section from it, refusing a typo there by its key path`, () => {
      const result = parseConfig(
        {
          'schedbench:scheduler': tableName,
          'schedbench:profile': 'small',
          'schedbench:backend': { type: 'netns' },
          [`schedbench:${tableName}`]: { conformanceTypo: true },
        },
        'typo',
        () => HOST,
      );
      expect(result.ok ? [] : result.errors.map((e) => e.key)).toEqual([
        `schedbench:${tableName}.conformanceTypo`,
      ]);
    });

  const sites = [
    { where: 'netns site of Pulumi.local.yaml', raw: () => stackFile('local'), stack: 'local' },
    {
      where: 'libvirt site of Pulumi.perlmutter.yaml',
      raw: () => stackFile('perlmutter'),
      stack: 'perlmutter',
    },
  ];
  test.each(sites)(
    `${name}: answers availability, capacity, sockets, image content, options for the $where`,
    (s) => {
      const { config, site } = siteOf(subject, s.raw(), s.stack, HOST);
      expect(siteAnswerProblems(module, site, s.where)).toEqual([]);
      if (tableName === undefined) return;
      // The registry asks the module the same questions about the same site.
      expect({
        availability: module.availability(site),
        capacity: module.capacityProblem(site),
        sockets: module.socketPaths(site),
        image: module.imageContent(site),
        options: module.clusterOptions(site),
      }).toEqual({
        availability: schedulerAvailability(config, HOST),
        capacity: schedulerCapacityProblem(config, HOST),
        sockets: schedulerSocketPaths(config, HOST),
        image: schedulerImageContent(config, HOST),
        options: schedulerClusterOptions(config, HOST, (_m, options) => options),
      });
    },
  );

  test(`${name}: is available on the netns site with its conformance section (what checks 2 and 3 stand up)`, () => {
    const { site } = siteOf(subject, stackFile('local'), 'local', HOST);
    expect(module.availability(site)).toEqual({ available: true });
  });

  const longest = [
    { where: 'netns', backend: { type: 'netns' }, host: {} },
    {
      where: 'libvirt',
      backend: { type: 'libvirt' },
      host: { 'schedbench:host': { cores: 128, memoryGiB: 512 } },
    },
  ];
  test.each(longest)(`${name}: keeps every socket within its limit under the longest names ($where)`, (l) => {
    const raw = {
      'schedbench:scheduler': 'slurm',
      'schedbench:profile': 'tiny',
      'schedbench:profiles': { tiny: { nodes: 64, vcpus: 1, memoryGiB: 0.25 } },
      'schedbench:backend': l.backend,
      ...l.host,
    };
    const { config, site } = siteOf(subject, raw, 'x'.repeat(100), BIG_HOST);
    expect([config.clusterName.length, site.nodes.length]).toEqual([20, 64]);
    expect(overLimit(module.socketPaths(site)).map((p) => `${name}: ${p}`)).toEqual([]);
  });

  test(`${name}: names provider plugins the engine can build, each with its SDK installed`, () => {
    const plugins = [...module.providerPlugins];
    expect(new Set(plugins).size).toBe(plugins.length);
    for (const plugin of plugins) {
      expect(plugin).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(pluginVersionVariable(plugin)).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(() => require.resolve(`@pulumi/${plugin}`)).not.toThrow();
    }
  });

  test(`${name}: its own subcommands load and register under their names, clashing with no other scheduler's`, async () => {
    const others = SUBJECTS.filter((s) => s.module !== module).flatMap((s) =>
      s.module.commands.map((c) => c.name),
    );
    const { Command } = await import('commander');
    for (const cmd of module.commands) {
      expect(cmd.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(others).not.toContain(cmd.name);
      const program = new Command();
      (await cmd.load())(program);
      expect(program.commands.map((c) => c.name())).toContain(cmd.name);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. The tree under mocks: the whole program (index.ts), stood up to one `mixed` run on two netns nodes.

/** What the program's own commands print (identity, nodes, the run loop); a scheduler's entry answers first. */
function programStdout(name: string): string {
  if (name.endsWith('-clock')) return '20261126T080000Z';
  if (name.endsWith('-host-cores')) return JSON.stringify({ cores: 2 });
  // The cluster's SSH key and each node's host key: the backend's secrets.
  if (name.endsWith('-key-private')) return `SECRET-ssh-${name}`;
  if (name.endsWith('-key-public')) return 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIConformance schedbench';
  if (name.endsWith('-check')) return 'todo';
  if (name.endsWith('-sched-sampler')) return JSON.stringify({ pid: 4242, startedAt: 1796083049.5 });
  if (name.endsWith('-submit'))
    return JSON.stringify({
      startedAt: '2026-11-26T08:00:01Z',
      endedAt: '2026-11-26T08:00:02Z',
      jobs: [{ id: '1', specIndex: 0, name: 'conformance' }],
    });
  if (name.endsWith('-write'))
    return JSON.stringify({
      path: '/r.json',
      status: 'ok',
      jobsCompleted: 1,
      jobsFailed: 0,
      jobsCancelled: 0,
      jobsUnfinished: 0,
      makespanSeconds: 3,
    });
  return `mock-${name}`;
}

const InputsShape = z.record(z.string(), z.unknown());

interface StackUnderMocks {
  run: ProgramRun;
  section: Record<string, unknown>;
  /** Secret markers the mocks handed out: the scheduler's own, and the backend's keys. */
  schedulerSecrets: Set<string>;
  backendSecrets: Set<string>;
}

async function standUpProgram(subject: Subject, scheduler: SchedulerName): Promise<StackUnderMocks> {
  const section = subject.entry.section(SCRATCH);
  const schedulerSecrets = new Set<string>();
  const backendSecrets = new Set<string>();
  const stdout: StdoutFor = (name, wrapped) => {
    const own = subject.entry.stdout(name, InputsShape.parse(unwrapSecrets(wrapped)), CLUSTER);
    const out = own ?? programStdout(name);
    for (const marker of out.match(SECRET_MARKER) ?? [])
      (own === undefined ? backendSecrets : schedulerSecrets).add(marker);
    return out;
  };
  const run = await runProgram(
    {
      'schedbench:scheduler': scheduler,
      'schedbench:clusterName': CLUSTER,
      'schedbench:profile': PROFILE,
      'schedbench:profiles': { [PROFILE]: { nodes: 2, vcpus: 1, memoryGiB: 1 } },
      'schedbench:backend': { type: 'netns' },
      'schedbench:workloads': ['mixed'],
      'schedbench:repetitions': 1,
      'schedbench:stopAfter': 'runs',
      [`schedbench:${scheduler}`]: section,
    },
    CLUSTER,
    { stdout, secrets: true },
  );
  return { run, section, schedulerSecrets, backendSecrets };
}

/** The type chain of a URN (`a$b$c`), and the name at its end. */
const typeChain = (urn: string): string[] => (urn.split('::')[2] ?? '').split('$');
const lastName = (urn: string): string => urn.split('::').pop() ?? '';
const isUnder = (r: Registered, type: string): boolean => typeChain(r.parent).includes(type);

/** Every resource a resource waits for, by name: its dependencies and the provider it is given. */
function waitsFor(resources: readonly Registered[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const r of resources) {
    const provider = r.provider === '' ? [] : [r.provider.split('::').slice(-2)[0] ?? ''];
    edges.set(r.name, new Set([...r.dependencies.map(lastName), ...provider]));
  }
  return edges;
}

/** Everything `name` waits for, directly or not. */
function before(edges: Map<string, Set<string>>, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(edges.get(name) ?? [])];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(edges.get(next) ?? []));
  }
  return seen;
}

/** String leaves of a config section, with their key paths. */
function leaves(value: unknown, at: string): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${at}.${k}`));
  return [];
}

const NodeOutputs = z.array(z.looseObject({ name: z.string(), address: z.string() }));
const SchedulerOutput = z.looseObject({ scheduler: z.string(), version: z.string().min(1) });

describe.each(each(TABLE_SUBJECTS))('%s: 2. the tree under mocks', (name, subject) => {
  const clusterType = `schedbench:${name}:Cluster`;
  let stack: StackUnderMocks;
  let resources: Registered[];
  let nodes: { name: string; address: string }[];
  beforeAll(async () => {
    if (subject.tableName === undefined) throw new Error(`${name} is not in the table`);
    stack = await standUpProgram(subject, subject.tableName);
    resources = stack.run.resources;
    nodes = NodeOutputs.parse(stack.run.outputs.nodes);
  });
  const named = (resourceName: string): Registered | undefined =>
    resources.find((r) => r.name === resourceName);
  const ofCluster = (): Registered[] => resources.filter((r) => isUnder(r, clusterType));

  test(`${name}: the program stands it up as one ${clusterType} and reports its version`, () => {
    expect(stack.run.error).toBeUndefined();
    expect(resources.filter((r) => r.type === clusterType).map((r) => r.name)).toEqual([CLUSTER]);
    expect(SchedulerOutput.parse(stack.run.outputs.scheduler).scheduler).toBe(name);
  });

  test(`${name}: its stages are its children — an install per node and a validate — and nothing hangs at the root`, () => {
    const stages = [...nodes.map((n) => `${CLUSTER}-install-${n.name}`), `${CLUSTER}-validate`];
    const misplaced = stages.filter((s) => {
      const stage = named(s);
      return stage === undefined || !isUnder(stage, clusterType);
    });
    expect(misplaced.map((s) => `${name}: stage ${s} is not a child of ${clusterType}`)).toEqual([]);
    const rootless = resources
      .filter((r) => r.custom && r.parent === '')
      .map((r) => `${name}: ${r.type} ${r.name} has no parent`);
    expect(rootless).toEqual([]);
  });

  test(`${name}: stages run install → … → validate, and the run after validate`, () => {
    const edges = waitsFor(resources);
    const validate = `${CLUSTER}-validate`;
    const beforeValidate = before(edges, validate);
    const problems: string[] = [];
    for (const node of nodes) {
      const install = `${CLUSTER}-install-${node.name}`;
      if (!beforeValidate.has(install)) problems.push(`${install} is not before ${validate}`);
      for (const r of ofCluster().filter(
        (x) => x.custom && x.name.endsWith(`-${node.name}`) && x.name !== install,
      ))
        if (!before(edges, r.name).has(install)) problems.push(`${r.name} does not wait for ${install}`);
    }
    for (const r of ofCluster().filter((x) => x.custom && x.name !== validate))
      if (!beforeValidate.has(r.name) && !before(edges, r.name).has(validate))
        problems.push(`${r.name} is ordered neither before nor after ${validate}`);
    for (const run of resources.filter((r) => r.type === 'schedbench:workloads:Run'))
      if (!before(edges, `${run.name}-check`).has(validate))
        problems.push(`run ${run.name} starts before ${validate}`);
    expect(problems.map((p) => `${name}: ${p}`)).toEqual([]);
  });

  test(`${name}: no command text carries a config value (they travel in the environment or on stdin)`, () => {
    const values: [string, string][] = [
      ['the cluster name', CLUSTER],
      ['the profile name', PROFILE],
      ...nodes.flatMap((n): [string, string][] => [
        [`node name`, n.name],
        [`node address`, n.address],
      ]),
      ...leaves(stack.section, `schedbench:${name}`),
      ...[...stack.schedulerSecrets, ...stack.backendSecrets].map((s): [string, string] => ['a secret', s]),
    ];
    const problems: string[] = [];
    const commands = resources.filter(
      (x) =>
        x.type.startsWith('command:') && (isUnder(x, clusterType) || isUnder(x, 'schedbench:workloads:Run')),
    );
    for (const r of commands)
      for (const field of ['create', 'update', 'delete'])
        for (const [what, value] of values)
          if (String(r.inputs[field] ?? '').includes(value))
            problems.push(`${r.name}.${field} carries ${what} ${JSON.stringify(value)}`);
    // Not vacuous: its stages and the run's were looked at, and each node's name reaches them in the environment.
    if (!commands.some((r) => isUnder(r, clusterType))) problems.push(`no command under ${clusterType}`);
    const environments = JSON.stringify(
      commands.filter((r) => isUnder(r, clusterType)).map((r) => r.inputs.environment),
    );
    for (const node of nodes)
      if (!environments.includes(node.name))
        problems.push(`node ${node.name} reaches no stage's environment`);
    expect(problems.map((p) => `${name}: ${p}`)).toEqual([]);
  });

  test(`${name}: secrets stay secret — on a command's stdin (keys: its connection) or in secret outputs only`, () => {
    const problems: string[] = [];
    const reached = new Set<string>();
    for (const r of resources)
      for (const [key, value] of Object.entries(r.inputs)) {
        const text = JSON.stringify(value) ?? '';
        for (const marker of [...stack.schedulerSecrets, ...stack.backendSecrets]) {
          if (!text.includes(marker)) continue;
          const secret = r.secretInputs.includes(key);
          const command = r.type.startsWith('command:');
          const allowed =
            !command || key === 'stdin' || (key === 'connection' && stack.backendSecrets.has(marker));
          if (!secret) problems.push(`${r.name}.${key} carries ${marker} in the clear`);
          else if (!allowed)
            problems.push(`${r.name}.${key} carries ${marker}: a command gets secrets on stdin only`);
          if (secret && allowed) reached.add(marker);
        }
      }
    for (const [key, value] of Object.entries(stack.run.outputs))
      for (const marker of [...stack.schedulerSecrets, ...stack.backendSecrets])
        if ((JSON.stringify(value) ?? '').includes(marker) && !stack.run.secretOutputs.has(key))
          problems.push(`stack output ${key} carries ${marker} in the clear`);
    // Not vacuous: the scheduler hands out secrets of its own, and each reaches where it is used, as a secret.
    if (stack.schedulerSecrets.size === 0) problems.push('hands out no secret of its own under mocks');
    for (const marker of stack.schedulerSecrets)
      if (!reached.has(marker)) problems.push(`${marker} reaches no stdin or secret input`);
    expect(problems.map((p) => `${name}: ${p}`)).toEqual([]);
  });

  test(`${name}: the run loop gets every stage of the contract from it, under the run`, () => {
    const problems: string[] = [];
    for (const run of resources.filter((r) => r.type === 'schedbench:workloads:Run')) {
      for (const stage of ['sched-sampler', 'submit', 'wait', 'collect', 'sched-sampler-stop']) {
        const r = named(`${run.name}-${stage}`);
        if (r === undefined || r.type !== 'command:remote:Command' || !isUnder(r, 'schedbench:workloads:Run'))
          problems.push(`run ${run.name} has no remote ${stage} stage`);
        else if (String(r.inputs.create ?? '').trim() === '') problems.push(`${r.name} has no command text`);
      }
      for (const node of nodes) {
        const env = InputsShape.catch({}).parse(
          named(`${run.name}-sampler-${node.name}`)?.inputs.environment,
        );
        if (!String(env.SCHEDBENCH_JOB_FILES_DIR ?? '').startsWith('/'))
          problems.push(`the node sampler of ${node.name} gets no absolute jobFilesDir`);
      }
    }
    expect(problems.map((p) => `${name}: ${p}`)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Rendering the same JobSpecs: each module's component, created under mocks, gives one run's stages.

/** The profile every scheduler renders the catalog's `mixed` workload for. */
const RENDER_PROFILE = { nodes: 2, vcpus: 4, memoryGiB: 2 };
/** The mixed preset, and a group of 2-node jobs of 2 tasks per node arriving at explicit offsets, at high priority. */
const SPECS: JobSpec[] = [
  ...expandWorkload('mixed', RENDER_PROFILE),
  JobSpec.parse({
    count: 2,
    nodes: 2,
    tasksPerNode: 2,
    cpus: 1,
    memoryMiB: 128,
    expectedSeconds: 2,
    kind: 'stress',
    args: ['--cpu', '1', '--timeout', '2s'],
    arrival: { offsetSeconds: 0, intervalSeconds: 0, offsets: [0, 0.5] },
    priority: 'high',
  }),
];
const TIMEOUT_FACTOR = 4;
/** The run's slug: unique per run, it reaches the stages in their environment. */
const SLUG = `20261126T080000Z_0123456789ab.${CLUSTER}.mixed-r1`;
/** Any value but `done` lets a run go ahead; a distinctive one shows it reached every stage. */
const SKIP = 'conformance-not-done';

/** One entry of a submit plan, in whatever format the scheduler reads it. */
interface PlanEntry {
  specIndex: number;
  count: number;
  /** Tasks of one job (nodes × tasks per node). */
  tasks: number;
  /** CPUs of one task. */
  cpus: number;
  /** Memory of one task (MiB): the memory per node shared by the node's tasks, rounded down. */
  taskMemoryMiB: number;
  timeLimitMinutes: number;
}

/** The neutral line plan of components/jobs/plan.ts. */
function linePlan(text: string): PlanEntry[] | undefined {
  const entries: PlanEntry[] = [];
  const number = String.raw`\d+(?:\.\d+)?`;
  const arrival = String.raw`(?:${number} ${number}|${number}(?:,${number})* -)`;
  const line = new RegExp(
    String.raw`^(\d+) (\d+) ${arrival} (\d+) (\d+) (\d+) (\d+) (\d+) (low|normal|high) (stress|noop|fail|command)( .*)?$`,
  );
  for (const text_ of text.split('\n')) {
    const f = line.exec(text_);
    if (f === null) return undefined;
    const tasksPerNode = Number(f[4]);
    entries.push({
      specIndex: Number(f[1]),
      count: Number(f[2]),
      tasks: Number(f[3]) * tasksPerNode,
      cpus: Number(f[5]),
      taskMemoryMiB: Math.floor(Number(f[6]) / tasksPerNode),
      timeLimitMinutes: Number(f[7]),
    });
  }
  return entries;
}

const JobTemplatePlan = z.array(
  z.looseObject({
    specIndex: z.number().int(),
    count: z.number().int(),
    job: z.looseObject({
      spec: z.looseObject({
        completions: z.number().int().positive().optional(),
        template: z.looseObject({
          spec: z.looseObject({
            activeDeadlineSeconds: z.number().int().positive(),
            containers: z
              .array(
                z.looseObject({
                  resources: z.looseObject({
                    requests: z.looseObject({
                      cpu: z.string().regex(/^\d+$/),
                      memory: z.string().regex(/^\d+Mi$/),
                    }),
                  }),
                }),
              )
              .min(1),
          }),
        }),
      }),
    }),
  }),
);

/** A JSON list of batch/v1 Job templates, one per spec (requests = limits, the limit as activeDeadlineSeconds). */
function jobTemplatePlan(text: string): PlanEntry[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const plan = JobTemplatePlan.safeParse(value);
  if (!plan.success) return undefined;
  return plan.data.map((p) => {
    const pod = p.job.spec.template.spec;
    const requests = pod.containers[0]?.resources.requests;
    return {
      specIndex: p.specIndex,
      count: p.count,
      tasks: p.job.spec.completions ?? 1,
      cpus: Number(requests?.cpu),
      taskMemoryMiB: Number.parseInt(requests?.memory ?? '', 10),
      timeLimitMinutes: pod.activeDeadlineSeconds / 60,
    };
  });
}

/** The plan formats submit stages read; a new scheduler that brings a new one adds its reader here. */
const PLAN_FORMATS = [linePlan, jobTemplatePlan];

/** Rejections nobody handled while a cluster was stood up, as a promise that fails on the first. */
function watchRejections(): { failed: Promise<never>; stop(): void } {
  let fail: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const listener = (reason: unknown) => fail(reason);
  process.on('unhandledRejection', listener);
  return { failed, stop: () => process.off('unhandledRejection', listener) };
}

class Ready extends pulumi.CustomResource {
  constructor(name: string) {
    super('conformance:index:Ready', name, {});
  }
}

interface Rendered {
  cluster: ConformantCluster;
  stages: RunStages;
  /** Every stage's command text and environment, resolved. */
  resolved: Record<
    string,
    { create: string; delete?: string; node: string; environment: Record<string, string> }
  >;
  jobFilesDir: string;
  provenance: SchedulerProvenance;
}

async function render(subject: Subject): Promise<Rendered> {
  const { module, entry } = subject;
  const watch = watchRejections();
  const resolve = <T>(output: pulumi.Output<T>, what: string): Promise<T> =>
    Promise.race([
      new Promise<T>((ok) => output.apply(ok)),
      watch.failed,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`${module.name}: 3. rendering: ${what} did not resolve`)),
          30_000,
        ).unref(),
      ),
    ]);
  try {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const inputs = InputsShape.parse(unwrapSecrets(args.inputs));
          const stdout = args.type.startsWith('command:')
            ? (entry.stdout(args.name, inputs, CLUSTER) ?? `mock-${args.name}`)
            : undefined;
          return {
            id: `${args.name}-id`,
            state: stdout === undefined ? args.inputs : { ...args.inputs, stdout, stderr: '' },
          };
        },
        call: (args) => args.inputs,
      },
      'schedbench',
      'conformance',
      false,
    );
    const nodes: Node[] = [1, 2].map((i) => ({
      name: `${CLUSTER}-n${i}`,
      address: `10.213.77.${10 + i}`,
      connection: {
        host: `10.213.77.${10 + i}`,
        port: 22,
        user: 'root',
        privateKey: pulumi.secret('SECRET-ssh-key'),
        hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIConformance',
      },
      vcpus: RENDER_PROFILE.vcpus,
      memoryMiB: RENDER_PROFILE.memoryGiB * 1024,
      backend: 'netns',
      interface: 'eth0',
      stateDir: `/var/lib/schedbench/${CLUSTER}/${CLUSTER}-n${i}`,
      ready: new Ready(`${module.name}-ready-${i}`),
    }));
    const cluster = module.create(CLUSTER, {
      cluster: CLUSTER,
      nodes,
      profile: { ...RENDER_PROFILE, name: 'conformance' },
      stateDir: `/var/lib/schedbench/${CLUSTER}/${module.name}`,
      options: module.options.parse(entry.section(SCRATCH)),
      emulation: null,
    });
    const stages = cluster.runStages({
      slug: SLUG,
      specs: SPECS,
      timeoutFactor: TIMEOUT_FACTOR,
      timeoutSeconds: runTimeoutSeconds(SPECS, RENDER_PROFILE, TIMEOUT_FACTOR),
      idleGapSeconds: 2,
      sampling: { intervalMs: 1000, statsIntervalSeconds: 30 },
      skip: SKIP,
    });
    const resolved: Rendered['resolved'] = {};
    for (const key of ['samplerStart', 'samplerStop', 'submit', 'wait', 'collect'] as const) {
      const stage = stages[key];
      const environment: Record<string, string> = {};
      for (const [k, v] of Object.entries(stage.environment))
        environment[k] = await resolve(pulumi.output(v), `${key}.environment.${k}`);
      resolved[key] = {
        create: stage.create,
        ...(stage.delete === undefined ? {} : { delete: stage.delete }),
        node: stage.node.name,
        environment,
      };
    }
    const jobFilesDir = await resolve(pulumi.output(stages.jobFilesDir), 'jobFilesDir');
    const provenance = SchedulerProvenance.parse(await resolve(cluster.provenance, 'provenance'));
    const settings = (await import('@pulumi/pulumi/runtime/settings')) as unknown as {
      waitForRPCs(): Promise<void>;
    };
    await Promise.race([settings.waitForRPCs(), watch.failed]);
    return { cluster, stages, resolved, jobFilesDir, provenance };
  } finally {
    watch.stop();
  }
}

describe.each(each(SUBJECTS))('%s: 3. rendering the same JobSpecs', (name, subject) => {
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await render(subject);
  });

  test(`${name}: its component stands up under mocks as the contract's cluster, with its provenance`, () => {
    expect({
      scheduler: rendered.cluster.scheduler,
      nodes: rendered.cluster.nodes.map((n) => n.name),
      stateDir: rendered.cluster.stateDir,
      validated: pulumi.Resource.isInstance(rendered.cluster.validated),
    }).toEqual({
      scheduler: name,
      nodes: [`${CLUSTER}-n1`, `${CLUSTER}-n2`],
      stateDir: `/var/lib/schedbench/${CLUSTER}/${name}`,
      validated: true,
    });
    expect(rendered.provenance.version).not.toBe('');
  });

  test(`${name}: runStages gives samplerStart/Stop, submit, wait, collect on its nodes, each told the skip, and jobFilesDir`, () => {
    const problems: string[] = [];
    const nodes = rendered.cluster.nodes.map((n) => n.name);
    for (const [stage, r] of Object.entries(rendered.resolved)) {
      if (r.create.trim() === '') problems.push(`${stage} has no command text`);
      if (!nodes.includes(r.node)) problems.push(`${stage} runs on ${r.node}, not one of its nodes`);
      if (!Object.values(r.environment).includes(SKIP))
        problems.push(`${stage} is not told whether the run is skipped`);
      for (const value of [SKIP, SLUG])
        if (r.create.includes(value))
          problems.push(`${stage}'s command text carries a run parameter (${value})`);
    }
    if (!path.posix.isAbsolute(rendered.jobFilesDir))
      problems.push(`jobFilesDir ${rendered.jobFilesDir} is not absolute`);
    expect(problems.map((p) => `${name}: ${p}`)).toEqual([]);
  });

  test(`${name}: the submit stage's plan names every spec with its count, tasks, CPUs, memory and time limit`, () => {
    const plans = Object.values(rendered.resolved.submit?.environment ?? {}).flatMap((value) =>
      PLAN_FORMATS.map((read) => read(value)).filter((p): p is PlanEntry[] => p !== undefined),
    );
    const expected: PlanEntry[] = SPECS.map((s, specIndex) => ({
      specIndex,
      count: s.count,
      tasks: s.nodes * s.tasksPerNode,
      cpus: s.cpus,
      taskMemoryMiB: Math.floor(s.memoryMiB / s.tasksPerNode),
      timeLimitMinutes: jobTimeLimitMinutes(s, TIMEOUT_FACTOR),
    }));
    expect({ scheduler: name, plans: plans.length }).toEqual({ scheduler: name, plans: 1 });
    expect({ scheduler: name, plan: plans[0] }).toEqual({ scheduler: name, plan: expected });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Normalising recorded outputs of a real run to the neutral states.

describe.each(each(SUBJECTS))('%s: 4. normalising recorded outputs', (name, { module, entry }) => {
  for (const state of NEUTRAL_STATES) {
    const coverage = entry.states[state];
    if ('todo' in coverage) {
      test.todo(`${name}: ${state} — ${coverage.todo}`);
      continue;
    }
    for (const recorded of coverage)
      test(`${name}: ${state} — ${recorded.source}`, () => {
        const run = module.normaliser.normalise(recorded.outputs());
        const job = run.jobs.find((j) => j.id === recorded.job);
        const exitCode = state === 'completed' ? 0 : recorded.exitCode;
        if (state === 'failed with exit code') expect(recorded.exitCode ?? 0).not.toBe(0);
        expect({ scheduler: name, job: recorded.job, state: job?.state, exitCode: job?.exitCode }).toEqual({
          scheduler: name,
          job: recorded.job,
          state: NEUTRAL_JOB_STATE[state],
          exitCode: exitCode === undefined ? job?.exitCode : exitCode,
        });
      });
  }

  test(`${name}: every recording normalises to valid records, each submitted job a record or missing`, () => {
    const recordings = new Map<string, () => StageOutputs>();
    for (const state of NEUTRAL_STATES) {
      const coverage = entry.states[state];
      if (!('todo' in coverage))
        for (const r of coverage) recordings.set(r.source.split(',')[0] ?? r.source, r.outputs);
    }
    expect(recordings.size).toBeGreaterThan(0);
    for (const [source, outputs] of recordings) {
      const given = outputs();
      const run = module.normaliser.normalise(given);
      const accounted = [...run.jobs.map((j) => j.id), ...run.missing].sort();
      expect({ source, accounted }).toEqual({ source, accounted: given.submit.jobs.map((j) => j.id).sort() });
      for (const job of run.jobs) JobRecord.parse(job);
      for (const sample of run.schedulerSamples) SchedulerSample.parse(sample);
      for (const stats of run.schedulerStats) SchedulerStats.parse(stats);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 5. Refusals before anything is created (components/config/admission.ts).

const parsed = (raw: Record<string, unknown>, stack: string, host: HostFacts): BenchConfig => {
  const result = parseConfig(raw, stack, () => host);
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.config;
};

describe('5. availability refusals', () => {
  const netns = (scheduler: SchedulerName, profile: string, extra: Record<string, unknown> = {}) => ({
    'schedbench:scheduler': scheduler,
    'schedbench:profile': profile,
    'schedbench:backend': { type: 'netns' },
    ...extra,
  });

  test('flux: a stack without an installation is refused, saying what is missing', () => {
    const empty = path.join(SCRATCH, 'not-a-flux-prefix');
    mkdirSync(empty, { recursive: true });
    const config = parsed(netns('flux', 'small', { 'schedbench:flux': { prefix: empty } }), 'fx', HOST);
    expect(admissionErrors(config, HOST)).toEqual([
      {
        key: 'schedbench:scheduler',
        value: '"flux"',
        message: `no Flux installation at ${empty} (schedbench:flux.prefix): missing ${empty}/bin/flux; the sched-fluxion-qmanager module (${empty}/lib/flux/modules/sched-fluxion-qmanager.so); the sched-fluxion-resource module (${empty}/lib/flux/modules/sched-fluxion-resource.so)`,
      },
    ]);
  });

  test('flux: a stack that names no prefix at all is refused, saying where to set one', () => {
    const saved = process.env.SCHEDBENCH_FLUX_PREFIX;
    delete process.env.SCHEDBENCH_FLUX_PREFIX;
    try {
      const config = parsed(netns('flux', 'small'), 'fx', HOST);
      const [error, ...rest] = admissionErrors(config, HOST);
      expect(rest).toEqual([]);
      expect(error).toMatchObject({ key: 'schedbench:scheduler', value: '"flux"' });
      expect(error?.message).toMatch(
        /^no Flux installation: set schedbench:flux\.prefix \(or SCHEDBENCH_FLUX_PREFIX\)/,
      );
    } finally {
      if (saved !== undefined) process.env.SCHEDBENCH_FLUX_PREFIX = saved;
    }
  });

  test('kubernetes: netns nodes wider than the host are refused, naming the profile', () => {
    const twoCores: HostFacts = { cores: 2, memoryMiB: 24 * 1024 };
    const config = parsed(netns('kubernetes', 'small'), 'k8', twoCores);
    const errors = admissionErrors(config, twoCores);
    expect(errors.map((e) => [e.key, e.value])).toEqual([['schedbench:profile', '"small"']]);
    expect(errors[0]?.message).toMatch(/^profile small asks for 4 vCPUs per node, .* this host's 2 CPUs/);
  });

  test.each(each(TABLE_SUBJECTS))(
    '%s: admission reports exactly what the module says it cannot do, under the keys it names',
    (name, subject) => {
      const twoCores: HostFacts = { cores: 2, memoryMiB: 24 * 1024 };
      for (const profile of ['small', 'large']) {
        const raw = {
          'schedbench:scheduler': name,
          'schedbench:profile': profile,
          'schedbench:profiles': {
            small: { nodes: 2, vcpus: 1, memoryGiB: 1 },
            large: { nodes: 2, vcpus: 16, memoryGiB: 1 },
          },
          'schedbench:backend': { type: 'netns' },
        };
        const { config, site } = siteOf(subject, raw, 'adm', twoCores);
        const availability = subject.module.availability(site);
        const capacity = subject.module.capacityProblem(site);
        expect({ scheduler: name, profile, errors: admissionErrors(config, twoCores) }).toEqual({
          scheduler: name,
          profile,
          errors: [
            ...(availability.available
              ? []
              : [{ key: 'schedbench:scheduler', value: JSON.stringify(name), message: availability.reason }]),
            ...(capacity === undefined
              ? []
              : [{ key: 'schedbench:profile', value: JSON.stringify(profile), message: capacity }]),
          ],
        });
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------
// 6. The table's type: a missing entry, or an entry missing a piece, does not compile.

/** What the registry's table satisfies (components/schedulers/registry.ts). */
type Table = { readonly [N in SchedulerName]: SchedulerModule<N> };

test('6. the compiler refuses a table without an entry, an entry without a piece, and a name outside the vocabulary', () => {
  const table: Table = SCHEDULERS;
  const { slurm, kubernetes, flux } = SCHEDULERS;
  // @ts-expect-error -- a table without Flux's line
  const withoutFlux: Table = { slurm, kubernetes };
  const { normaliser, ...fluxWithoutNormaliser } = flux;
  // @ts-expect-error -- Flux's entry without its normaliser
  const withoutPiece: Table = { slurm, kubernetes, flux: fluxWithoutNormaliser };
  // @ts-expect-error -- SLURM's module under Flux's name
  const misnamed: Table = { slurm, kubernetes, flux: slurm };
  // @ts-expect-error -- the stand-in cannot join: 'pbs' is not a name of results/vocabulary.ts
  const standIn: SchedulerModule = pbs;
  expect([table, withoutFlux, withoutPiece, misnamed, standIn, normaliser].length).toBe(6);
});
