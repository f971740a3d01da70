// Pure renderers of the cluster's SLURM configuration files from the typed config: no I/O, unit-tested.
import { compressHostlist, nextInSeries } from '../schedulers/hostlist';
import type { SlurmOptions } from './options';
import type { SlurmLayout, SlurmPorts } from './layout';

/** What the renderers need of a node. */
export interface SlurmNodeSpec {
  name: string;
  address: string;
  vcpus: number;
  memoryMiB: number;
  /** Emulated nodes: the machine whose slurmd serves it, and that slurmd's own port (multiple-slurmd). */
  hostname?: string;
  port?: number;
}

export interface SlurmConfInput {
  cluster: string;
  /** Where slurmctld runs; default: the first node (emulated clusters name the stack node, not an emulated one). */
  controller?: { name: string; address: string };
  nodes: readonly SlurmNodeSpec[];
  options: SlurmOptions;
  layout: SlurmLayout;
  ports: SlurmPorts;
}

/**
 * Settings after SchedMD's High Throughput Computing Administration Guide, chosen for small clusters: purge
 * finished jobs from the controller after 2 s, start batch jobs without the 3 s wave delay, look at more of
 * the queue per pass, let the controller put scheduling off while it is busy answering RPCs, log less.
 * (`sched_min_interval` is left at its default: measured here, 2 s capped a 4-CPU cluster at ~2 jobs/s.)
 *
 * Plus one setting the guide does not name, found by tracing slurmctld (docs/schedulers.md, "Throughput: where
 * the time goes"): a trivial `Epilog`. Without any epilog, slurmd answers the end-of-job REQUEST_TERMINATE_JOB
 * with "already complete", and slurmctld then only *queues* a scheduling pass (`queue_job_scheduler`) that its
 * background thread runs on its next 1 s tick, and only once `batch_sched_delay` whole seconds have passed since
 * the last pass: a freed CPU waits ~1 s (3 s untuned) for its next job. With an epilog, slurmd reports
 * MESSAGE_EPILOG_COMPLETE instead, whose handler runs the scheduler at once (SLURM 22.05 proc_req.c,
 * `_slurm_rpc_epilog_complete` → `schedule()`), so a freed CPU is filled within milliseconds. `/bin/true` does
 * nothing and exists on every node.
 */
export const HTC_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['MinJobAge', '2'],
  ['MessageTimeout', '30'],
  ['Epilog', '/bin/true'],
  ['SlurmctldDebug', 'error'],
  ['SlurmdDebug', 'error'],
];

/** The HTC guide's SchedulerParameters (slurm.tuning=htc), joined with the backfill settings into one line. */
export const HTC_SCHEDULER_PARAMETERS: readonly string[] = [
  'batch_sched_delay=0',
  'default_queue_depth=1000',
  'max_rpc_cnt=150',
];

/**
 * The cluster's SchedulerParameters, whatever the tuning: the backfill scheduler passes every
 * `slurm.backfillIntervalSeconds` (SLURM's default, 30 s, is longer than a whole run of seconds, so a job could be
 * backfilled only by chance) and plans in 1 s steps (`bf_resolution`, default 60 s: coarser than the jobs), then
 * the HTC guide's parameters under `tuning: htc`. Recorded in every result's `scheduler.settings`.
 */
export function schedulerParameters(
  options: Pick<SlurmOptions, 'backfillIntervalSeconds' | 'tuning'>,
): string {
  const backfill = [`bf_interval=${options.backfillIntervalSeconds}`, 'bf_resolution=1'];
  return [...backfill, ...(options.tuning === 'htc' ? HTC_SCHEDULER_PARAMETERS : [])].join(',');
}

/**
 * How jobs are ordered: SLURM 22.05's default, made explicit. priority/basic queues in submission order, each job's
 * priority one less than the one before, shifted by the job's nice value — which is how submit.sh renders a spec's
 * priority (low `--nice=10000`, high `--nice=-10000`): a high job goes ahead of the 10000 jobs before it, a low
 * one behind the 10000 after it.
 */
export const PRIORITY_TYPE = 'priority/basic';

/** Who may submit: users with an association in the cluster's accounting (see renderSlurmConf). */
export const ACCOUNTING_STORAGE_ENFORCE = 'associations';

/**
 * Emulated nodes are many slurmd on few machines, and their jobs' launches compete for those machines' CPUs: a slurmd
 * may then answer a ping late without being lost. (Each slurmstepd of jobacct_gather/linux reads the /proc of every
 * process each second: with a hundred jobs on one machine that alone held both CPUs of a 2-core host, so emulated
 * clusters gather no accounting of their jobs, which do no work, and track them by process group.) The emulation does not model node failures (docs/scale.md), so
 * an emulated cluster waits minutes, not seconds, before it calls a node DOWN, and its RPCs wait longer too.
 */
export const EMULATED_SLURMD_TIMEOUT_SECONDS = 300;
export const EMULATED_MESSAGE_TIMEOUT_SECONDS = 60;

/**
 * The nodes in runs that one NodeName line declares: emulated nodes in a row on one machine, of one size, with
 * consecutive ports (`NodeName=e[0001-0512] … Port=[p-p+511]`); every real node on its own line. With a thousand
 * emulated nodes a line each, every SLURM command (and each job's slurmstepd) spent four times longer reading
 * slurm.conf.
 */
function nodeRuns(nodes: readonly SlurmNodeSpec[]): SlurmNodeSpec[][] {
  const runs: SlurmNodeSpec[][] = [];
  for (const node of nodes) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    const joins =
      prev !== undefined &&
      node.hostname !== undefined &&
      prev.hostname === node.hostname &&
      prev.address === node.address &&
      prev.vcpus === node.vcpus &&
      prev.memoryMiB === node.memoryMiB &&
      prev.port !== undefined &&
      node.port === prev.port + 1 &&
      node.name === nextInSeries(prev.name);
    if (joins && run !== undefined) run.push(node);
    else runs.push([node]);
  }
  return runs;
}

function line(key: string, value: string | number): string {
  return `${key}=${value}`;
}

/** The RealMemory a node advertises: its profile memory, whole MiB. */
export function realMemoryMiB(node: SlurmNodeSpec): number {
  return Math.floor(node.memoryMiB);
}

export function renderSlurmConf(input: SlurmConfInput): string {
  const { cluster, nodes, options, layout, ports } = input;
  const controller = input.controller ?? nodes[0];
  const emulated = nodes.some((n) => n.hostname !== undefined);
  if (controller === undefined || nodes.length === 0)
    throw new Error('renderSlurmConf: a cluster needs at least one node');
  const lines: string[] = [
    `# slurm.conf of cluster ${cluster}, rendered by schedbench (components/slurm/render.ts).`,
    line('ClusterName', cluster),
    line('SlurmctldHost', `${controller.name}(${controller.address})`),
    line('SlurmctldPort', ports.slurmctld),
    line('SlurmdPort', ports.slurmd),
    line('SlurmUser', 'slurm'),
    line('SlurmdUser', 'root'),
    line('AuthType', 'auth/munge'),
    line('AuthInfo', `socket=${layout.mungeSocket}`),
    line('CredType', 'cred/munge'),
    line('StateSaveLocation', `${layout.ctldDir}/state`),
    line('SlurmctldPidFile', `${layout.ctldDir}/slurmctld.pid`),
    line('SlurmctldLogFile', `${layout.ctldDir}/slurmctld.log`),
    line('SlurmdSpoolDir', layout.spoolDirPattern),
    line('SlurmdPidFile', `${layout.nodeDirPattern}/slurmd.pid`),
    line('SlurmdLogFile', `${layout.nodeDirPattern}/slurmd.log`),
    // Profiles may promise more CPUs and memory than the machine has (netns nodes share the host).
    line('SlurmdParameters', 'config_overrides'),
    // Keep jobs inside the node's own cgroup so per-node samples see their load (docs/backends.md: a netns node is its own cgroup).
    // Emulated jobs do no work: nothing to account, and process tracking by process group costs no /proc scans.
    line('ProctrackType', emulated ? 'proctrack/pgid' : 'proctrack/linuxproc'),
    line('TaskPlugin', 'task/none'),
    line('JobAcctGatherType', emulated ? 'jobacct_gather/none' : 'jobacct_gather/linux'),
    ...(emulated ? [] : [line('JobAcctGatherFrequency', 'task=1')]),
    line('AccountingStorageType', 'accounting_storage/slurmdbd'),
    line('AccountingStorageHost', controller.address),
    line('AccountingStoragePort', ports.slurmdbd),
    line('AccountingStoragePass', layout.mungeSocket),
    // Only a user with an association in this cluster's accounting may submit: without it, any local user of the
    // host (netns nodes share it) or of a node could run jobs there. `associations` alone — the harness sets no
    // limits and no QOS, so `limits`/`qos` would refuse nothing more, and `limits` would add per-job limit checks
    // to the scheduling passes this benchmark measures. Root, who submits every job, gets its association when
    // start-controller.sh registers the cluster.
    line('AccountingStorageEnforce', ACCOUNTING_STORAGE_ENFORCE),
    line('JobCompType', 'jobcomp/none'),
    line('SelectType', 'select/cons_tres'),
    line('SelectTypeParameters', 'CR_Core_Memory'),
    line('SchedulerType', 'sched/backfill'),
    line('SchedulerParameters', schedulerParameters(options)),
    line('PriorityType', PRIORITY_TYPE),
    // A lost node fails its jobs (NODE_FAIL) instead of requeueing them: a run records what happened.
    line('JobRequeue', 0),
    line('ReturnToService', 2),
    line('SlurmdTimeout', emulated ? EMULATED_SLURMD_TIMEOUT_SECONDS : options.slurmdTimeoutSeconds),
    line('MpiDefault', 'none'),
    line('MailProg', '/bin/true'),
  ];
  if (options.tuning === 'htc') {
    lines.push('# High Throughput Computing guide settings (slurm.tuning=htc).');
    for (const [key, value] of HTC_SETTINGS)
      if (!(emulated && key === 'MessageTimeout')) lines.push(line(key, value));
  }
  if (emulated) {
    lines.push(
      '# Emulated nodes (docs/scale.md): a busy machine runs many slurmd; none of them is lost for real.',
    );
    lines.push(line('MessageTimeout', EMULATED_MESSAGE_TIMEOUT_SECONDS));
  }
  for (const run of nodeRuns(nodes)) {
    const [first] = run;
    if (first === undefined) continue;
    const last = run[run.length - 1] ?? first;
    const names = compressHostlist(run.map((n) => n.name));
    const port = first.port === last.port ? `${first.port ?? ports.slurmd}` : `[${first.port}-${last.port}]`;
    const emulated = first.hostname === undefined ? '' : ` NodeHostname=${first.hostname} Port=${port}`;
    lines.push(
      `NodeName=${names} NodeAddr=${first.address}${emulated} CPUs=${first.vcpus} RealMemory=${realMemoryMiB(first)} State=UNKNOWN`,
    );
  }
  lines.push(
    `PartitionName=${options.partition} Nodes=${compressHostlist(nodes.map((n) => n.name))} Default=YES MaxTime=INFINITE State=UP`,
  );
  return `${lines.join('\n')}\n`;
}

export interface SlurmdbdConfInput {
  cluster: string;
  controllerName: string;
  controllerAddress: string;
  layout: SlurmLayout;
  ports: SlurmPorts;
}

/**
 * slurmdbd.conf without the database password: start-controller.sh appends `StoragePass` from stdin,
 * so the secret never travels in a command line or an environment variable.
 */
export function renderSlurmdbdConf(input: SlurmdbdConfInput): string {
  const { cluster, controllerName, controllerAddress, layout, ports } = input;
  return `${[
    `# slurmdbd.conf of cluster ${cluster}, rendered by schedbench; StoragePass is appended on the node.`,
    line('AuthType', 'auth/munge'),
    line('AuthInfo', `socket=${layout.mungeSocket}`),
    line('DbdHost', controllerName),
    line('DbdAddr', controllerAddress),
    line('DbdPort', ports.slurmdbd),
    line('SlurmUser', 'slurm'),
    line('PidFile', `${layout.dbdDir}/slurmdbd.pid`),
    line('LogFile', `${layout.dbdDir}/slurmdbd.log`),
    line('StorageType', 'accounting_storage/mysql'),
    line('StorageHost', controllerAddress),
    line('StoragePort', ports.mariadb),
    line('StorageUser', 'slurm'),
    line('StorageLoc', databaseName(cluster)),
  ].join('\n')}\n`;
}

/** The cluster's accounting database (MariaDB names allow `_`, not `-`). */
export function databaseName(cluster: string): string {
  return `slurm_acct_${cluster.replace(/-/g, '_')}`;
}

/**
 * cgroup.conf: read by slurmd even when no cgroup plugin is active. The cgroup plugins stay off (see
 * slurm.conf) so jobs remain in the node's cgroup; this only stops slurmd from mounting anything.
 */
export function renderCgroupConf(): string {
  return `${['# cgroup.conf rendered by schedbench: no cgroup plugin is used.', line('CgroupAutomount', 'no')].join('\n')}\n`;
}
