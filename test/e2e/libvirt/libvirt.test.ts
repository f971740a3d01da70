// End-to-end: the libvirt backend on this machine (software emulation). Builds the base image from Debian's
// packages, boots two VMs (1 vCPU, 1 GiB) through the local runner, checks over real SSH that each has its CPUs
// and memory and reaches the other by name, stands SLURM up on them with the component netns nodes use,
// destroys, and checks the host is as it was (domains, networks, files, bridge, ip_forward, /dev/kvm, the
// libvirt daemons). Skips only when the libvirt/QEMU packages are absent (or not root).
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { nodeName } from '../../../components/nodes/libvirt/naming';
import { parseRunResult } from '../../../results/read';
import {
  expectHostAsBefore,
  hostSnapshot,
  libvirtSkipReason,
  libvirtWorkDir,
  type HostSnapshot,
} from '../../helpers/libvirt';

const REPO = path.join(__dirname, '..', '..', '..');
const PROJECT = path.join(__dirname, 'project');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const CLUSTER = 'lve2e';
const STACK = 'libvirt-e2e';
const skipReason = libvirtSkipReason();
if (skipReason !== '') process.stderr.write(`${skipReason}\n`);
const describeVm = skipReason === '' ? describe : describe.skip;

function runner(operation: 'up' | 'destroy', configFile: string) {
  const result = spawnSync(
    TSX,
    [
      path.join(REPO, 'cli', 'pulumi.ts'),
      operation,
      '--stack',
      STACK,
      '--cwd',
      PROJECT,
      '--local',
      '--config-file',
      configFile,
    ],
    { encoding: 'utf8', timeout: 25 * 60 * 1000, env: { ...process.env, SCHEDBENCH_RUNNER: 'local' } },
  );
  return { status: result.status ?? -1, out: `${result.stdout}\n${result.stderr}` };
}

const CheckOutput = (text: string) =>
  JSON.parse(text) as {
    hostname: string;
    nproc: number;
    memTotalKiB: number;
    peer: string;
    peerReached: boolean;
  };

describeVm('libvirt backend on this machine (TCG)', () => {
  const work = libvirtWorkDir('schedbench-libvirt-e2e');
  const outDir = path.join(work, 'out');
  const storageDir = path.join(work, 'storage');
  const configFile = path.join(work, `Pulumi.${STACK}.yaml`);
  let before: HostSnapshot;
  let destroyed = false;

  /**
   * A failed boot's evidence: the guests' console logs are copied where CI keeps artifacts, and their seed and
   * sshd lines returned for the failure message.
   */
  function keepConsoleLogs(): string {
    const dest = path.join(REPO, 'test-artifacts', 'libvirt-console');
    execFileSync('mkdir', ['-p', dest]);
    const found = spawnSync('find', [work, '-name', 'console.log'], { encoding: 'utf8' }).stdout.split('\n');
    const summary: string[] = [];
    for (const file of found.filter((f) => f !== '')) {
      const node = path.basename(path.dirname(file));
      const target = path.join(dest, `${node}.console.log`);
      const text = readFileSync(file, 'utf8');
      writeFileSync(target, text);
      const lines = text.split('\n').filter((l) => /schedbench-seed|ssh|Timed out|Failed/i.test(l));
      summary.push(`--- ${node} (${target}) ---`, ...lines.slice(-25));
    }
    return summary.join('\n');
  }

  beforeAll(() => {
    before = hostSnapshot();
    // QEMU runs as libvirt-qemu: it must reach the overlays and the image under the test's directory.
    chmodSync(work, 0o755);
    execFileSync('mkdir', ['-p', outDir]);
    writeFileSync(
      configFile,
      [
        'config:',
        `  e2e:dir: ${outDir}`,
        `  e2e:cluster: ${CLUSTER}`,
        `  e2e:storageDir: ${storageDir}`,
        // A /24 of the test's own: the NAT network exists only on this host, for the test's VMs.
        '  e2e:subnet: 192.168.151.0/24',
        // SLURM on the VMs with the same component as on netns nodes: the backends are interchangeable.
        '  e2e:slurm: true',
        '',
      ].join('\n'),
    );
  });

  afterAll(() => {
    if (!destroyed) runner('destroy', configFile);
    rmSync(work, { recursive: true, force: true });
    rmSync(path.join(PROJECT, '.schedbench'), { recursive: true, force: true });
  });

  test(
    'build the image, boot two VMs, reach them over SSH, destroy, leave nothing',
    () => {
      const up = runner('up', configFile);
      const evidence = up.status === 0 ? '' : keepConsoleLogs();
      expect(up.status === 0 ? 'up ok' : `${up.out.slice(-4000)}\n${evidence}`).toBe('up ok');
      expect(up.out).toContain('accel: "tcg"');
      expect(up.out).toContain('figures are not representative');

      const names = [0, 1].map((i) => nodeName(CLUSTER, i));
      for (const [i, name] of names.entries()) {
        const check = CheckOutput(readFileSync(path.join(outDir, `${name}.json`), 'utf8'));
        expect(check.hostname).toBe(name);
        expect(check.nproc).toBe(1);
        // 1 GiB less what the guest kernel keeps for itself.
        expect(check.memTotalKiB).toBeGreaterThan(0.85 * 1024 * 1024);
        expect(check.memTotalKiB).toBeLessThanOrEqual(1024 * 1024);
        expect(check.peer).toBe(names[(i + 1) % 2]);
        expect(check.peerReached).toBe(true);
      }

      // SLURM stood up and validated (every node IDLE with the profile's CPUs and memory, a job on each in sacct).
      expect(readFileSync(path.join(outDir, 'slurm.txt'), 'utf8')).toMatch(/^\d+\.\d+\.\d+/);

      // A workload run through the run loop: one job on each VM, each with the precise times and stress-ng
      // metrics its own node's wrapper wrote (the second node's come back through the job-files gather).
      const result = parseRunResult(
        JSON.parse(readFileSync(readFileSync(path.join(outDir, 'run.txt'), 'utf8').trim(), 'utf8')),
      );
      expect(result.status).toBe('ok');
      expect(result.jobs.map((j) => j.nodes.join(',')).sort()).toEqual(names);
      for (const job of result.jobs) {
        expect(job.state).toBe('COMPLETED');
        expect(job.precise?.startEpochS).toEqual(expect.any(Number));
        expect(job.precise?.endEpochS).toEqual(expect.any(Number));
        expect(job.metrics['cpu.bogo-ops'] ?? 0).toBeGreaterThan(0);
      }
      expect(result.notes.filter((n) => n.startsWith('no job files'))).toEqual([]);

      const down = runner('destroy', configFile);
      expect(down.status === 0 ? 'destroy ok' : down.out.slice(-4000)).toBe('destroy ok');
      destroyed = true;

      expectHostAsBefore(CLUSTER, names, storageDir, before);
    },
    30 * 60 * 1000,
  );
});
