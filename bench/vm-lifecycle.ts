// Benchmark of the libvirt backend's lifecycle on this machine, through the same scripts the resources run:
// base-image build (fresh, then cached: the ratio is what the input-hash cache saves), boot-to-SSH of one VM
// alone and of two at once (ratio: what sharing the host's cores costs), and destroy. Everything it starts it
// removes; the image cache lives in a temporary directory under /var/lib (storageDir must be root's alone). Run as
// root: `npx tsx bench/vm-lifecycle.ts`.
import { execFileSync, spawn, spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { buildImage } from '../components/image/build';
import { ImageInfo } from '../components/image/info';
import { imageMirror, LibvirtBackend } from '../components/nodes/libvirt/config';
import { hostScript } from '../components/nodes/libvirt/LibvirtNodes';
import { renderNetworkXml } from '../components/nodes/libvirt/networkXml';
import { libvirtOwner } from '../components/nodes/libvirt/owner';
import { LibvirtClusterPlan, LibvirtNodePlan, planLibvirtCluster } from '../components/nodes/libvirt/plan';
import { renderNode, type HostKeyPair } from '../components/nodes/libvirt/render';

const SCRIPTS = path.join(__dirname, '..', 'components', 'nodes', 'libvirt', 'scripts');
const work = mkdtempSync('/var/lib/schedbench-vm-bench-');
chmodSync(work, 0o755); // QEMU's user reaches the overlays
const OWNER = libvirtOwner('vmbench', 'bench');
const backend = LibvirtBackend.parse({
  type: 'libvirt',
  storageDir: `${work}/storage`,
  subnet: '192.168.152.0/24',
  accel: 'auto',
});
const host = { name: 'localhost', cores: 2, sockets: 1, memoryGiB: 24, reserve: { cores: 0, memoryGiB: 2 } };
const hostEnv = { HOST_STATE: `${work}/storage/host`, VIRSH_URI: 'qemu:///system' };

/** Runs a host script as its Command resource does (hostScript: the prelude, storage.sh and lib.sh in front). */
function run(script: string, env: Record<string, string>, stdin?: string): string {
  const result = spawnSync('bash', ['-c', hostScript(script)], {
    env: { ...process.env, ...env },
    input: stdin,
    encoding: 'utf8',
    timeout: 15 * 60 * 1000,
  });
  if (result.status !== 0)
    throw new Error(`${script} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

/** One SSH host key pair for the bench's VMs (the product makes one per node; one is enough to pin here). */
function benchHostKey(): HostKeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), 'schedbench-vm-hostkey-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'schedbench-bench', '-f', `${dir}/key`]);
  const pair = {
    privateKey: readFileSync(`${dir}/key`, 'utf8'),
    publicKey: readFileSync(`${dir}/key.pub`, 'utf8').trim(),
  };
  rmSync(dir, { recursive: true, force: true });
  return pair;
}
const HOST_KEY = benchHostKey();

function nodeEnv(
  plan: LibvirtClusterPlan,
  node: LibvirtNodePlan,
  image: ImageInfo,
  accel: 'kvm' | 'tcg',
  publicKey: string,
) {
  const r = renderNode(plan, node, backend, image, accel, publicKey, HOST_KEY, OWNER);
  return {
    VIRSH_URI: 'qemu:///system',
    DOMAIN: node.domain,
    DOMAIN_XML: r.domainXml,
    NODE_DIR: node.dir,
    BASE_DISK: image.disk,
    DISK_GIB: String(backend.diskGiB),
    USER_DATA: r.seed.userData,
    META_DATA: r.seed.metaData,
    NETWORK_CONFIG: r.seed.networkConfig,
    OWNER,
  };
}

/** Boots the plan's nodes at once and waits for SSH on all; returns seconds until the last answers. */
async function bootAll(
  plan: LibvirtClusterPlan,
  image: ImageInfo,
  accel: 'kvm' | 'tcg',
  pub: string,
  key: string,
): Promise<number> {
  const [, seconds] = await timed(async () => {
    for (const node of plan.nodes) run('node.sh', nodeEnv(plan, node, image, accel, pub));
    await Promise.all(
      plan.nodes.map(
        (node) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn('bash', [path.join(SCRIPTS, 'wait-ssh.sh')], {
              env: {
                ...process.env,
                ADDRESS: node.address,
                SSH_USER: 'root',
                TIMEOUT_SECONDS: '600',
                HOST_KEY: HOST_KEY.publicKey,
                CONSOLE_LOG: `${node.dir}/console.log`,
              },
              stdio: ['pipe', 'ignore', 'inherit'],
            });
            child.stdin.end(key);
            child.on('close', (code) =>
              code === 0 ? resolve() : reject(new Error(`wait-ssh ${node.name}: ${code}`)),
            );
          }),
      ),
    );
  });
  return seconds;
}

function destroyAll(plan: LibvirtClusterPlan): number {
  const start = process.hrtime.bigint();
  for (const node of plan.nodes)
    run('node-delete.sh', { VIRSH_URI: 'qemu:///system', DOMAIN: node.domain, NODE_DIR: node.dir, OWNER });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${work}/key`]);
  const key = readFileSync(`${work}/key`, 'utf8');
  const pub = readFileSync(`${work}/key.pub`, 'utf8');
  const build = {
    suite: 'bookworm',
    mirror: backend.image.source === 'build' ? imageMirror(backend.image) : '',
    extraPackages: [],
    cacheDir: `${work}/storage/images`,
  };

  const [image, buildFresh] = await timed(() => buildImage(build));
  const [, buildCached] = await timed(() => buildImage(build));
  run('daemons.sh', hostEnv);
  const accel = JSON.parse(run('accel.sh', { VIRSH_URI: 'qemu:///system', ACCEL: 'auto' })) as {
    accel: 'kvm' | 'tcg';
    reason: string;
  };
  // One network; the 1-VM run boots the first node of the 2-VM plan alone.
  const two = planLibvirtCluster('vmbench', { nodes: 2, vcpus: 1, memoryGiB: 1 }, backend, host);
  const one: LibvirtClusterPlan = { ...two, nodes: two.nodes.slice(0, 1) };
  const results: Record<string, number> = {};
  if (two.network.kind !== 'network') throw new Error('bench uses a NAT network');
  const network = two.network;
  try {
    run('network.sh', {
      ...hostEnv,
      NETWORK_NAME: network.name,
      NETWORK_XML: renderNetworkXml({
        name: network.name,
        bridge: network.bridge,
        gateway: two.gateway,
        netmask: two.netmask,
        owner: OWNER,
      }),
      OWNER,
    });
    results.bootOne = await bootAll(one, image, accel.accel, pub, key);
    results.destroyOne = destroyAll(one);
    results.bootTwo = await bootAll(two, image, accel.accel, pub, key);
    results.destroyTwo = destroyAll(two);
  } finally {
    destroyAll(two);
    run('network-delete.sh', { ...hostEnv, NETWORK_NAME: network.name, OWNER });
    run('daemons-stop.sh', hostEnv);
    rmSync(work, { recursive: true, force: true });
  }
  const f = (s: number | undefined) => `${(s ?? NaN).toFixed(1)} s`;
  process.stdout.write(
    [
      `libvirt VM lifecycle on this machine (${accel.accel}: ${accel.reason})`,
      `image build, fresh          ${f(buildFresh)}   (${(image.sizeBytes / 2 ** 20).toFixed(0)} MiB qcow2, sha256 ${image.sha256.slice(0, 12)}…)`,
      `image build, same inputs    ${f(buildCached)}   ratio fresh/cached ${(buildFresh / buildCached).toFixed(0)}×`,
      `boot to SSH, 1 VM (1 vCPU)  ${f(results.bootOne)}`,
      `boot to SSH, 2 VMs at once  ${f(results.bootTwo)}   ratio vs 1 VM ${((results.bootTwo ?? NaN) / (results.bootOne ?? NaN)).toFixed(2)}`,
      `destroy, 1 VM               ${f(results.destroyOne)}`,
      `destroy, 2 VMs              ${f(results.destroyTwo)}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`vm-lifecycle: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
