// The libvirt backend's end-to-end program: a cluster key, two VMs from a base image built from Debian's
// packages, and per node a check over real SSH (CPUs, memory, the other node reached by name) whose output is
// written to a file the test reads; with e2e:slurm, SLURM on the VMs and one workload run through the run loop.
// Config (namespace e2e): dir, storageDir, subnet, cluster, slurm.
import { readFileSync } from 'fs';
import * as path from 'path';
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { LibvirtBackend } from '../../../../components/nodes/libvirt/config';
import { LibvirtNodes } from '../../../../components/nodes/libvirt/LibvirtNodes';
import { imageContentFor } from '../../../../components/schedulers/registry';
import { SSH_ENV_LIB, sshEnvironment } from '../../../../components/nodes/ssh-env';
import { ClusterKey } from '../../../../components/nodes/sshkey';
import { SlurmOptions } from '../../../../components/slurm/options';
import { SlurmCluster } from '../../../../components/slurm/cluster';
import { shellQuote } from '../../../../components/script';
import { Bundle } from '../../../../components/build/component';
import { WorkloadRun } from '../../../../workloads/run';
import { ONE_JOB_PER_VM } from '../../../helpers/libvirt';

const REPO = path.join(__dirname, '..', '..', '..', '..');

const cfg = new pulumi.Config('e2e');
const dir = cfg.require('dir');
const cluster = cfg.require('cluster');
/** Also stand SLURM up on the VMs with the same component as on netns nodes (backends are interchangeable). */
const withSlurm = cfg.getBoolean('slurm') ?? false;

const key = new ClusterKey('key', { comment: `schedbench-${cluster}` });
const backend = LibvirtBackend.parse({
  type: 'libvirt',
  storageDir: cfg.require('storageDir'),
  subnet: cfg.require('subnet'),
  bootTimeoutSeconds: 600,
});
const profile = { nodes: 2, vcpus: 1, memoryGiB: 1 };
const vms = new LibvirtNodes('vms', {
  clusterName: cluster,
  profile,
  backend,
  host: { name: 'localhost', cores: 2, sockets: 1, memoryGiB: 24, reserve: { cores: 0, memoryGiB: 2 } },
  publicKey: key.publicKey,
  privateKey: key.privateKey,
  // What `up` gives a SLURM stack's image: SLURM's packages, from its module (the base image has no scheduler).
  ...(withSlurm ? { imageContent: imageContentFor('slurm', {}, backend) } : {}),
});

const CHECK = `set -euo pipefail
: "\${PEER:?}"
printf '{"hostname":"%s","nproc":%d,"memTotalKiB":%d,"peer":"%s","peerReached":%s,"env":"%s"}\\n' \\
  "$(cat /proc/sys/kernel/hostname)" "$(nproc)" "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" "$PEER" \\
  "$(if ping -c 1 -W 5 "$PEER" >/dev/null 2>&1; then echo true; else echo false; fi)" "$PEER"`;

vms.nodes.forEach((node, i) => {
  const peer = vms.nodes[(i + 1) % vms.nodes.length];
  const check = new command.remote.Command(
    `check-${node.name}`,
    {
      connection: node.connection,
      // Its parameter travels as SCHEDBENCH_PEER (the only names the VM's sshd accepts); ssh-env.sh maps it back.
      create: `bash -c ${shellQuote(`${readFileSync(SSH_ENV_LIB, 'utf8')}\n${CHECK}`)} check`,
      environment: sshEnvironment({ PEER: peer?.name ?? '' }),
    },
    { dependsOn: [node.ready] },
  );
  new command.local.Command(`record-${node.name}`, {
    create: 'printf "%s\\n" "$OUT" > "$FILE"',
    delete: 'rm -f "$FILE"',
    environment: { OUT: check.stdout, FILE: `${dir}/${node.name}.json` },
  });
});

export const nodes = vms.nodes.map((n) => ({
  name: n.name,
  address: n.address,
  vcpus: n.vcpus,
  memoryMiB: n.memoryMiB,
}));
export const accel = vms.accel;
export const warnings = vms.warnings;
export const provenance = vms.provenance;
export const imageSha256 = vms.imageSha256;

if (withSlurm) {
  const slurm = new SlurmCluster('slurm', {
    cluster,
    nodes: vms.nodes,
    profile: { name: 'e2e', ...profile },
    options: SlurmOptions.parse(undefined),
    emulation: null,
    stateDir: `/var/lib/schedbench/${cluster}/slurm`,
  });
  new command.local.Command(
    'record-slurm',
    {
      create: 'printf "%s\\n" "$OUT" > "$FILE"',
      delete: 'rm -f "$FILE"',
      environment: { OUT: slurm.slurmVersion, FILE: `${dir}/slurm.txt` },
    },
    { dependsOn: [slurm.validated] },
  );
  // One run of two one-CPU jobs through the product's run loop: with 1 vCPU per VM, one lands on each node, and
  // the second node's job files come back through the run loop's gather (VMs share no filesystem).
  const writer = new Bundle('writer', {
    entry: path.join(REPO, 'workloads', 'write-result.ts'),
    outFile: `${dir}/build/write-result.cjs`,
  });
  const run = new WorkloadRun('run', {
    cluster: slurm,
    workload: 'vmjobs',
    repetition: 1,
    emulation: null,
    specs: [ONE_JOB_PER_VM],
    profile: { name: 'e2e', ...profile },
    runId: '20261130T000000Z_000000000000',
    configHash: '0'.repeat(64),
    campaignId: null,
    stack: pulumi.getStack(),
    sampling: { intervalMs: 1000, statsIntervalSeconds: 5 },
    idleGapSeconds: 0,
    timeoutFactor: 20,
    resultsDir: `${dir}/runs`,
    schedbenchVersion: 'e2e',
    backend: {
      kind: 'libvirt',
      host: null,
      virtualization: vms.accel,
      imageDigest: vms.imageSha256,
      oversubscribed: false,
    },
    writer,
    after: slurm.validated,
  });
  new command.local.Command(
    'record-run',
    {
      create: 'printf "%s\\n" "$OUT" > "$FILE"',
      delete: 'rm -f "$FILE"',
      environment: { OUT: run.resultPath, FILE: `${dir}/run.txt` },
    },
    { dependsOn: [run.done] },
  );
}
