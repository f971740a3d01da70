// Bench: stand-up (to a validated cluster) and tear-down time of Kubernetes on 2 netns nodes through the local
// runner — nodes, SSH, build lookup (binaries and images cached), install, PKI, containerd + image import,
// control plane, kubelets, validation pods — as `npm run up` does with `stopAfter: scheduler`; plus the peak
// resident memory (VmHWM) of each control-plane daemon and of each node's containerd and kubelet after
// validation. Target: stand-up < 60 s with the binaries cached. Prints one JSON line. Needs root.
// Usage: npx tsx bench/k8s-standup.ts
import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { clusterNameFor } from '../components/config/names';
import { benchStack } from './lib/stack';

/** VmHWM (MiB) of the process in a pid file, or null when it is gone. */
function peakMiB(pidFile: string): number | null {
  try {
    const pid = readFileSync(pidFile, 'utf8').trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    return kib === undefined ? null : Math.round(Number(kib) / 1024);
  } catch {
    return null;
  }
}

function main(): void {
  const stack = benchStack('k8bsu');
  const root = path.join('/var/lib/schedbench', clusterNameFor(stack.stack), 'kubernetes');
  stack.configure({
    scheduler: 'kubernetes',
    profile: 'fits',
    profiles: { fits: { nodes: 2, vcpus: 1, memoryGiB: 2 } },
    stopAfter: 'scheduler',
  });
  try {
    const up = stack.up();
    const control = Object.fromEntries(
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((d) => [
        d,
        peakMiB(path.join(root, 'control', `${d}.pid`)),
      ]),
    );
    const nodes = Object.fromEntries(
      readdirSync(path.join(root, 'nodes')).map((n) => [
        n,
        {
          containerd: peakMiB(path.join(root, 'nodes', n, 'containerd.pid')),
          kubelet: peakMiB(path.join(root, 'nodes', n, 'kubelet.pid')),
        },
      ]),
    );
    const again = stack.up();
    const down = stack.destroy();
    const controlPlanePeakMiB = Object.values(control).reduce<number>((sum, v) => sum + (v ?? 0), 0);
    console.log(
      JSON.stringify({
        nodes: 2,
        standUpSeconds: up.seconds,
        secondUpSeconds: again.seconds,
        tearDownSeconds: down,
        controlPlanePeakMiB,
        peakMiB: { ...control, nodes },
        note: 'runner wall time with binaries and images cached; VmHWM per daemon right after validation',
      }),
    );
  } catch (err) {
    stack.destroy();
    throw err;
  }
}

main();
