// The `schedbench:kubernetes` config section: options of the Kubernetes cluster component.
import { z } from 'zod';
import { ipv4Cidr } from '../config/names';

export const KubernetesOptions = z
  .strictObject({
    /** TCP port of kube-apiserver on the first node (default 6443). */
    apiserverPort: z.number().int().min(1024).max(65535).default(6443),
    /** etcd client port on the first node's loopback (default 2379; the peer port is the next one). */
    etcdPort: z.number().int().min(1024).max(65534).default(2379),
    /** Pod network: a /16 split into one /24 per node, in node order (default 10.244.0.0/16). */
    podCidr: ipv4Cidr('kubernetes.podCidr').default('10.244.0.0/16'),
    /** Service network (default 10.96.0.0/16); nothing routes it (no kube-proxy), the apiserver needs one. */
    serviceCidr: ipv4Cidr('kubernetes.serviceCidr').default('10.96.0.0/16'),
    /** Seconds a daemon gets to exit after SIGTERM before it is sent SIGKILL. */
    stopTimeoutSeconds: z.number().int().min(1).max(300).default(15),
    /**
     * Seconds a daemon may take to answer once started (kube-apiserver's /readyz, containerd, each kubelet's
     * /healthz); a daemon that exits ends the wait at once. VMs in software emulation (TCG) need minutes.
     */
    startTimeoutSeconds: z.number().int().min(10).max(3600).default(300),
    /** Seconds validation waits for readiness, node registration and the validation pods. */
    validateTimeoutSeconds: z.number().int().min(10).max(3600).default(180),
    /**
     * The benchmark namespace's ResourceQuota: at most this many pods, and as many Jobs, at once (a runaway
     * submission stops there). Counts only: see components/kubernetes/objects.ts.
     */
    podQuota: z.number().int().min(1).max(1_000_000).default(10_000),
    /**
     * Requests per second each controller of kube-controller-manager may send the apiserver (`--kube-api-qps`;
     * burst 1.5×). Upstream's default, 20, caps the Job controller at a few Jobs a second — each Job is a pod to
     * create, a finalizer to remove and status updates — and the garbage collector that deletes them likewise:
     * with thousands of Jobs it, not the scheduler, sets the pace. Clusters of that size raise it (docs/kubernetes.md).
     */
    controllerManagerQps: z.number().int().min(1).max(10_000).default(20),
    /**
     * Where the binaries and image archives are (a directory with bin/ and manifest.json, as
     * components/kubernetes/build/build.sh makes them). Default: build (or reuse) them on the machine that runs
     * the program — which is where netns nodes run.
     */
    binDir: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]+$/, 'an absolute path')
      .optional(),
  })
  .default({
    apiserverPort: 6443,
    etcdPort: 2379,
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/16',
    stopTimeoutSeconds: 15,
    startTimeoutSeconds: 300,
    validateTimeoutSeconds: 180,
    podQuota: 10_000,
    controllerManagerQps: 20,
  });
export type KubernetesOptions = z.infer<typeof KubernetesOptions>;
