// schedbench:kubernetes:Objects — the benchmark's objects inside a validated cluster (objects.ts renders them) as
// @pulumi/kubernetes resources of an explicit Provider built from the cluster's admin kubeconfig, which stays a
// secret. Under the Pulumi CLI the Kubernetes provider applies them; the local runner applies them with
// `kubectl apply --server-side` (cli/runner/kubernetes.ts). Either way `destroy` deletes them before the cluster.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PRIORITIES } from '../jobs/spec';
import { renderBenchObjects, type BenchObjects, type BenchObjectsSpec } from './objects';
import { kubernetesPluginVersion } from './plugin';

export interface KubernetesObjectsArgs {
  /** The cluster's admin kubeconfig (a secret). */
  kubeconfig: pulumi.Input<string>;
  spec: BenchObjectsSpec;
  /** The cluster's validation: nothing is applied before the apiserver and every node are ready. */
  after: pulumi.Resource;
}

export class KubernetesObjects extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: KubernetesObjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:kubernetes:Objects', name, {}, opts);
    let objects: BenchObjects;
    try {
      objects = renderBenchObjects(args.spec);
    } catch (err) {
      throw new pulumi.ResourceError(err instanceof Error ? err.message : String(err), this);
    }
    // Under the engine built from Go modules: its plugin's version, which is not the SDK's (./plugin.ts). Only
    // then: a `version: undefined` would drop the SDK's own.
    const version = kubernetesPluginVersion();
    const pluginPin = version === undefined ? {} : { version };
    this.provider = new k8s.Provider(
      `${name}-provider`,
      {
        kubeconfig: pulumi.secret(args.kubeconfig),
        // A destroy after the cluster's machines are gone forgets these objects instead of failing.
        deleteUnreachable: true,
      },
      { parent: this, dependsOn: [args.after], ...pluginPin },
    );
    const of = { parent: this, provider: this.provider };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, objects.namespace, of);
    const inNamespace = { ...of, dependsOn: [namespace] };
    // Normal's resource keeps the name it had when it was the only one.
    for (const p of PRIORITIES)
      new k8s.scheduling.v1.PriorityClass(
        p === 'normal' ? `${name}-priority` : `${name}-priority-${p}`,
        objects.priorityClasses[p],
        of,
      );
    new k8s.core.v1.LimitRange(`${name}-limits`, objects.limitRange, inNamespace);
    new k8s.core.v1.ResourceQuota(`${name}-quota`, objects.resourceQuota, inNamespace);
    // The pods' admission policy is in force before the runner may create a Job (its bindings wait for it).
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-pod-policy`,
      objects.podPolicy,
      of,
    );
    const policyBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-pod-policy-binding`,
      objects.podPolicyBinding,
      { ...of, dependsOn: [policy, namespace] },
    );
    const account = new k8s.core.v1.ServiceAccount(`${name}-runner`, objects.serviceAccount, inNamespace);
    const role = new k8s.rbac.v1.Role(`${name}-runner-role`, objects.role, inNamespace);
    new k8s.rbac.v1.RoleBinding(`${name}-runner-binding`, objects.roleBinding, {
      ...of,
      dependsOn: [account, role, policyBinding],
    });
    const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-runner-cluster-role`, objects.clusterRole, of);
    new k8s.rbac.v1.ClusterRoleBinding(`${name}-runner-cluster-binding`, objects.clusterRoleBinding, {
      ...of,
      dependsOn: [account, clusterRole],
    });
    if (objects.kwok !== undefined) {
      const kwokRole = new k8s.rbac.v1.ClusterRole(`${name}-kwok-role`, objects.kwok.clusterRole, of);
      new k8s.rbac.v1.ClusterRoleBinding(`${name}-kwok-binding`, objects.kwok.clusterRoleBinding, {
        ...of,
        dependsOn: [kwokRole],
      });
    }
    this.namespace = namespace.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
