// What the conformance suite knows of each scheduler of the table beyond its module object: its section of the
// conformance stacks, what its stage scripts print under mocks, and which recorded outputs of real runs
// (test/fixtures/<name>/) show each neutral job state — or why none does. Keyed by the vocabulary, so a name added
// there without an entry here does not compile. The checks themselves (conformance.test.ts) never name a scheduler.
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { SubmitOutput, WaitOutput, type StageOutputs } from '../../../components/schedulers/contract';
import type { JobState } from '../../../results/schema';
import type { SchedulerName } from '../../../results/vocabulary';

/** The job outcomes every scheduler's normaliser must tell apart. */
export const NEUTRAL_STATES = [
  'completed',
  'failed with exit code',
  'timeout',
  'cancelled',
  'out of memory',
  'node failure',
] as const;
export type NeutralState = (typeof NEUTRAL_STATES)[number];

/** The JobRecord state each neutral outcome normalises to. */
export const NEUTRAL_JOB_STATE: { readonly [S in NeutralState]: JobState } = {
  completed: 'COMPLETED',
  'failed with exit code': 'FAILED',
  timeout: 'TIMEOUT',
  cancelled: 'CANCELLED',
  'out of memory': 'OUT_OF_MEMORY',
  'node failure': 'NODE_FAIL',
};

/** One job of a recording that ended in a given state. */
export interface RecordedCase {
  /** The fixture and what it was recorded from. */
  source: string;
  /** The run's stage outputs, as the result writer hands them to the normaliser. */
  outputs: () => StageOutputs;
  /** The job's id as the submit stage printed it. */
  job: string;
  /** The exit code the recording shows, where the state has one. */
  exitCode?: number;
}

/** For every neutral state: the recordings that show it, or why there is none (a todo, never a made-up output). */
export type StateCoverage = {
  readonly [S in NeutralState]: readonly RecordedCase[] | { readonly todo: string };
};

/** A command's inputs as the mocks receive them (secrets unwrapped). */
export type Inputs = Record<string, unknown>;

/** What the suite knows of one scheduler under mocks and from recordings. */
export interface ConformanceEntry {
  /**
   * Its `schedbench:<name>` section in the conformance stacks, made under `scratch` (a fresh directory) where it
   * needs files. String values are distinctive: the suite checks that none appears in a command's text.
   */
  section(scratch: string): Record<string, unknown>;
  /**
   * What the command `name` of its cluster `cluster` prints (undefined: not one of its stages). Secret material
   * is a marker matching SECRET_MARKER, so the suite can follow it.
   */
  stdout(name: string, inputs: Inputs, cluster: string): string | undefined;
  /** Recorded outputs per neutral state. */
  states: StateCoverage;
}

/** Secret material in mock outputs: `SECRET-` and a tag. */
export const SECRET_MARKER = /SECRET-[A-Za-z0-9-]+/g;

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const fixture = (...parts: string[]): string => readFileSync(path.join(FIXTURES, ...parts), 'utf8');
const json = (text: string): unknown => JSON.parse(text);
const envOf = (inputs: Inputs): Record<string, unknown> =>
  z.record(z.string(), z.unknown()).catch({}).parse(inputs.environment);

// --- SLURM (test/fixtures/slurm: SLURM 22.05.8 on netns nodes) ---

/** A run's stage outputs as the runner kept them (bundle-*.json: the writer's input of a real run). */
function slurmBundle(file: string): StageOutputs {
  const bundle = z
    .looseObject({ submit: z.string(), wait: z.string(), collect: z.string(), schedulerSampler: z.string() })
    .parse(json(fixture('slurm', file)));
  return {
    submit: SubmitOutput.parse(json(bundle.submit)),
    wait: WaitOutput.parse(json(bundle.wait)),
    collect: bundle.collect,
    samplerStop: bundle.schedulerSampler,
    nodeJobFiles: [],
  };
}

/** The sacct fields collect.sh asked for in the recorded run (the order sacct-*.txt were captured in). */
const slurmFields = (): string =>
  z.looseObject({ fields: z.string() }).parse(json(slurmBundle('bundle-cpu-intensive.json').collect)).fields;

/**
 * sacct lines recorded on their own (sacct-*.txt), in collect.sh's envelope: the submitted jobs are the recording's
 * job lines (ids and names as recorded); no sampler output was recorded with them, so the sampler says skipped, as
 * sampler-stop.sh does for a skipped run. sacct records no spec index (0 here: the normaliser only carries it through)
 * and the normaliser reads no wait output.
 */
function slurmAccounting(file: string): StageOutputs {
  const sacct = fixture('slurm', file);
  const jobLines = sacct
    .trim()
    .split('\n')
    .map((line) => line.split('|'))
    .filter((f) => !(f[0] ?? '.').includes('.'));
  const submitted = jobLines.map((f) => `${f[5] ?? ''}Z`).sort();
  return {
    submit: SubmitOutput.parse({
      startedAt: submitted[0],
      endedAt: submitted[submitted.length - 1],
      jobs: jobLines.map((f) => ({ id: f[0], specIndex: 0, name: f[2] })),
    }),
    wait: { timedOut: false, waitedSeconds: 0 },
    collect: JSON.stringify({ fields: slurmFields(), sacct, metrics: {}, times: {} }),
    samplerStop: JSON.stringify({ skipped: true }),
    nodeJobFiles: [],
  };
}

const slurm: ConformanceEntry = {
  section: () => ({ partition: 'zqpart' }),
  stdout: (name, _inputs, cluster) => {
    if (name === `${cluster}-munge-key`) return 'SECRET-munge-key';
    if (name === `${cluster}-db-password`) return 'SECRET-db-password';
    if (name.startsWith(`${cluster}-install-`))
      return JSON.stringify({
        packages: { slurm: '22.05.8' },
        os: 'Debian GNU/Linux 12 (bookworm)',
        kernel: '6.1.0',
        host: 'h',
        hostCpus: 2,
      });
    if (name === `${cluster}-validate`) return JSON.stringify({ slurmVersion: '22.05.8', validated: true });
    return undefined;
  },
  states: {
    completed: [
      {
        source: 'bundle-cpu-intensive.json (every stage output of a real cpu_intensive run)',
        outputs: () => slurmBundle('bundle-cpu-intensive.json'),
        job: '3',
        exitCode: 0,
      },
      {
        source: 'sacct-mixed.txt, job 3',
        outputs: () => slurmAccounting('sacct-mixed.txt'),
        job: '3',
        exitCode: 0,
      },
    ],
    'failed with exit code': [
      {
        source: 'sacct-mixed.txt, job 5',
        outputs: () => slurmAccounting('sacct-mixed.txt'),
        job: '5',
        exitCode: 3,
      },
    ],
    timeout: {
      todo:
        'no recorded sacct line ends TIMEOUT: job 7 ("tl") of sacct-mixed.txt was captured while still RUNNING, and ' +
        "test/unit/slurm/parse.test.ts's TIMEOUT line is hand-written; record a job past its time limit",
    },
    cancelled: [
      {
        source: 'sacct-mixed.txt, job 6 (cancelled while pending)',
        outputs: () => slurmAccounting('sacct-mixed.txt'),
        job: '6',
      },
      {
        source: 'sacct-mixed.txt, job 8 (cancelled while running)',
        outputs: () => slurmAccounting('sacct-mixed.txt'),
        job: '8',
      },
    ],
    'out of memory': {
      todo:
        'no OUT_OF_MEMORY recorded: the rendered slurm.conf has TaskPlugin=task/none and no cgroup plugin (jobs stay ' +
        "in the node's cgroup), so slurmd enforces no memory limit and never records one; a recording needs a " +
        'configuration that constrains memory',
    },
    'node failure': [
      {
        source: 'sacct-node-fail.txt, job 9',
        outputs: () => slurmAccounting('sacct-node-fail.txt'),
        job: '9',
      },
    ],
  },
};

// --- Kubernetes (test/fixtures/kubernetes: v1.37.2 built from Go modules, netns nodes) ---

/** A run's stage outputs as the runner kept them (mixed-r1.stages.json). */
function kubernetesStages(file: string): StageOutputs {
  const stages = z
    .strictObject({ submit: z.string(), wait: z.string(), collect: z.string(), schedulerSampler: z.string() })
    .parse(json(fixture('kubernetes', file)));
  return {
    submit: SubmitOutput.parse(json(stages.submit)),
    wait: WaitOutput.parse(json(stages.wait)),
    collect: stages.collect,
    samplerStop: stages.schedulerSampler,
    nodeJobFiles: [],
  };
}

const GiB = 1024 ** 3;
const HAND_MADE_KUBERNETES =
  'no recorded output: the only Kubernetes recording (mixed-r1.stages.json) has every Job complete; the cases in ' +
  'test/unit/kubernetes/normalise.test.ts are hand-made KubeJob/KubePod objects; record them from a faults run';

const kubernetes: ConformanceEntry = {
  section: () => ({ podCidr: '10.251.0.0/16', serviceCidr: '10.252.0.0/16' }),
  stdout: (name, inputs, cluster) => {
    if (name === `${cluster}-build`)
      return JSON.stringify({
        binDir: '/var/cache/schedbench/k8s/conformance',
        imagesDir: '/var/cache/schedbench/k8s/conformance-images',
      });
    if (name.startsWith(`${cluster}-install-`))
      return JSON.stringify({
        facts: { cpus: 8, memoryBytes: 32 * GiB, cgroup: `/schedbench/${name}`, cgroupVersion: 1 },
        os: 'Debian GNU/Linux 12 (bookworm)',
        kernel: '6.1.0',
        host: 'h',
        hostCpus: 8,
        cni: '1.1.1+ds1-3+b5',
        versions: { kubernetes: 'v1.37.2', etcd: 'v3.7.3', containerd: 'v2.4.2', runc: 'v1.5.3' },
        go: 'go1.26.8',
        images: {
          pause: { ref: 'registry.k8s.io/pause:3.10.2', digest: 'sha256:aa', archive: 'pause.tar' },
          workload: {
            ref: 'schedbench.local/stress-ng:bookworm',
            digest: 'sha256:bb',
            archive: 'stress.tar',
            stressNg: '0.15.06-2',
          },
        },
      });
    if (name === `${cluster}-pki`) {
      // NODES: "<name> <address>" a line.
      const nodes = String(envOf(inputs).SCHEDBENCH_NODES ?? '')
        .split('\n')
        .map((l) => l.split(' ')[0] ?? '');
      return JSON.stringify({
        admin: 'SECRET-admin-kubeconfig',
        ca: 'CA-CERTIFICATE',
        kubelets: Object.fromEntries(nodes.map((n, i) => [n, `SECRET-kubelet-kubeconfig-${i + 1}`])),
        serving: Object.fromEntries(
          nodes.map((n, i) => [n, { cert: `CERT-${i + 1}`, key: `SECRET-kubelet-serving-key-${i + 1}` }]),
        ),
      });
    }
    if (name === `${cluster}-validate`)
      return JSON.stringify({ kubernetesVersion: 'v1.37.2', nodes: [], validated: true });
    return undefined;
  },
  states: {
    completed: [
      {
        source: 'mixed-r1.stages.json (every stage output of a real mixed run)',
        outputs: () => kubernetesStages('mixed-r1.stages.json'),
        job: 'sb-23ec29fc1099-s0-0',
        exitCode: 0,
      },
    ],
    'failed with exit code': { todo: HAND_MADE_KUBERNETES },
    timeout: { todo: HAND_MADE_KUBERNETES },
    cancelled: { todo: HAND_MADE_KUBERNETES },
    'out of memory': { todo: `${HAND_MADE_KUBERNETES} (containerd's OOMKilled)` },
    'node failure': { todo: HAND_MADE_KUBERNETES },
  },
};

// --- Flux (test/fixtures/flux: flux-core 0.88.0 / flux-sched 0.54.0) ---

const FluxJobsText = z.strictObject({
  jobs: z.array(z.looseObject({ jobid: z.string(), name: z.string(), t_submit: z.number() })),
});

/**
 * `flux jobs --json` recorded (jobs*.json) in collect.sh's envelope: the whole recording as collect printed it,
 * the submitted jobs those `select` picks (f58 ids and names as recorded, the spec index from the name); no plan
 * was recorded, so no memory per spec. The normaliser reads no wait output.
 */
function fluxJobs(file: string, select: (name: string) => boolean, samplerStop: string): StageOutputs {
  const text = fixture('flux', file);
  const jobs = FluxJobsText.parse(json(text)).jobs.filter((j) => select(j.name));
  const submitted = jobs.map((j) => j.t_submit).sort((a, b) => a - b);
  const iso = (t: number | undefined) => new Date(Math.round((t ?? 0) * 1000)).toISOString();
  return {
    submit: SubmitOutput.parse({
      startedAt: iso(submitted[0]),
      endedAt: iso(submitted[submitted.length - 1]),
      jobs: jobs.map((j) => ({
        id: j.jobid,
        specIndex: Number(/\.s(\d+)-\d+$/.exec(j.name)?.[1] ?? 0),
        name: j.name,
      })),
    }),
    wait: { timedOut: false, waitedSeconds: 0 },
    collect: JSON.stringify({ jobs: text, plan: '', metrics: {}, times: {} }),
    samplerStop,
    nodeJobFiles: [],
  };
}

/**
 * The scheduler sampler of the e2e's `mixed` run (sampler-samples.jsonl) with the module stats and queue status
 * captured after it, in sampler-stop.sh's envelope (ranks as the e2e named them).
 */
function fluxSampler(): string {
  const samples = fixture('flux', 'sampler-samples.jsonl');
  const times = samples
    .trim()
    .split('\n')
    .map((line) => z.looseObject({ t: z.number() }).parse(json(line)).t);
  return JSON.stringify({
    samples,
    stats: [
      {
        phase: 'after',
        t: Math.max(...times),
        qmanager: fixture('flux', 'module-stats-qmanager.json'),
        resource: fixture('flux', 'module-stats-resource.json'),
        queue: fixture('flux', 'queue-status.txt'),
      },
    ],
    ranks: ['fx25020-n1', 'fx25020-n2'],
  });
}

const fluxMixedRun = () => fluxJobs('jobs.json', (name) => name.includes('.mixed-r1.'), fluxSampler());
const fluxExceptions = () => fluxJobs('jobs-exceptions.json', () => true, JSON.stringify({ skipped: true }));

const flux: ConformanceEntry = {
  section: (scratch) => {
    // A Flux installation as components/flux/availability.ts looks for it: bin/flux and Fluxion's two modules.
    const prefix = path.join(scratch, 'flux-prefix');
    mkdirSync(path.join(prefix, 'bin'), { recursive: true });
    mkdirSync(path.join(prefix, 'lib', 'flux', 'modules'), { recursive: true });
    writeFileSync(path.join(prefix, 'bin', 'flux'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    for (const module of ['sched-fluxion-qmanager', 'sched-fluxion-resource'])
      writeFileSync(path.join(prefix, 'lib', 'flux', 'modules', `${module}.so`), '');
    return { prefix };
  },
  stdout: (name, inputs, cluster) => {
    if (name.startsWith(`${cluster}-install-`))
      return JSON.stringify({
        packages: { 'flux-core': '0.88.0', 'flux-sched': '0.54.0' },
        prefix: String(envOf(inputs).SCHEDBENCH_FLUX_PREFIX ?? '/'),
        os: 'Debian GNU/Linux 12 (bookworm)',
        kernel: '6.1.0',
        host: 'h',
        hostCpus: 2,
      });
    if (name === `${cluster}-curve-cert`) return 'SECRET-curve-certificate';
    if (name === `${cluster}-validate`) return JSON.stringify({ fluxVersion: '0.88.0', validated: true });
    return undefined;
  },
  states: {
    completed: [
      {
        source: 'jobs.json (flux jobs --json of the e2e run; its mixed-r1 jobs) with sampler-samples.jsonl',
        outputs: fluxMixedRun,
        job: 'fJaKwCv3',
        exitCode: 0,
      },
    ],
    'failed with exit code': [
      {
        source: 'jobs-exceptions.json, the job running `false`',
        outputs: fluxExceptions,
        job: 'fJdxTSw',
        exitCode: 1,
      },
    ],
    timeout: [{ source: 'jobs-exceptions.json, `-t 1s sleep 10`', outputs: fluxExceptions, job: 'fUwRU1u' }],
    cancelled: [
      { source: 'jobs-exceptions.json, the cancelled job', outputs: fluxExceptions, job: 'fhyX9jm' },
    ],
    'out of memory': {
      todo:
        'no recording, and none can arise here: the Flux instance enforces no memory limit (its provenance says ' +
        'memoryEnforced: false) and parse.ts normaliseState has no path to OUT_OF_MEMORY',
    },
    'node failure': {
      todo:
        'no recording: jobs-exceptions.json comes from a one-broker test instance (flux start --test-size=1), which ' +
        'cannot lose a node; the node-failure/lost exception mapping is tested only on hand-made input ' +
        '(test/unit/flux/parse.test.ts); record one from a faults run that kills a broker',
    },
  },
};

/** Every scheduler of the vocabulary: a name without an entry does not compile. */
export const ENTRIES: { readonly [N in SchedulerName]: ConformanceEntry } = { slurm, kubernetes, flux };
