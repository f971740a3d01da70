// What the Kubernetes end-to-end tests and benches share: the two-node stack they stand up (the profile that fits
// a 2-core host: a kubelet cannot advertise more CPUs than the machine has; writeNetnsStack gives the rest) and a
// kubectl of the cached build with the cluster's admin kubeconfig.
import { execFileSync } from 'child_process';
import * as path from 'path';

/** `schedbench:*` keys of a Kubernetes stack on two nodes of 1 vCPU and 2 GiB. */
export const TWO_NODE_KUBERNETES: Record<string, unknown> = {
  'schedbench:scheduler': 'kubernetes',
  'schedbench:profile': 'fits',
  'schedbench:profiles': { fits: { nodes: 2, vcpus: 1, memoryGiB: 2 } },
};

/**
 * `schedbench:*` keys of a Kubernetes stack on two libvirt VMs of 1 vCPU and 3 GiB on this 2-core machine (the
 * host's two cores given to the VMs); the test adds its backend.
 */
export const TWO_VM_KUBERNETES: Record<string, unknown> = {
  'schedbench:scheduler': 'kubernetes',
  'schedbench:profile': 'vm',
  'schedbench:profiles': { vm: { nodes: 2, vcpus: 1, memoryGiB: 3 } },
  'schedbench:host': {
    name: 'localhost',
    cores: 2,
    sockets: 1,
    memoryGiB: 24,
    reserve: { cores: 0, memoryGiB: 2 },
  },
};

/** kubectl of the build at `binDir` as the cluster's admin (its state at `k8sRoot`); `input` goes to its stdin. */
export function adminKubectl(binDir: string, k8sRoot: string): (args: string[], input?: string) => string {
  return (args, input) =>
    execFileSync(
      path.join(binDir, 'bin', 'kubectl'),
      ['--kubeconfig', path.join(k8sRoot, 'etc', 'admin.conf'), ...args],
      { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 },
    );
}
