// The local runner's reading of Kubernetes resources (cli/runner/kubernetes.ts): which types it applies, the
// provider a resource names, the manifest it applies (auto-named as the provider does, but stably), and the
// refusals that name what is missing. Applying and deleting for real: test/e2e/kubernetes.
import {
  isKubernetesObject,
  manifestOf,
  providerConfigOf,
  providerKeyOf,
} from '../../../cli/runner/kubernetes';

describe('the runner and Kubernetes resources', () => {
  it('applies every kubernetes:<group/version>:<Kind> object and nothing else', () => {
    expect(isKubernetesObject('kubernetes:core/v1:Namespace')).toBe(true);
    expect(isKubernetesObject('kubernetes:rbac.authorization.k8s.io/v1:ClusterRole')).toBe(true);
    expect(isKubernetesObject('kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition')).toBe(true);
    expect(isKubernetesObject('kubernetes:core/v1:ConfigMapList')).toBe(false);
    expect(isKubernetesObject('kubernetes:helm.sh/v3:Release')).toBe(false);
    expect(isKubernetesObject('kubernetes:yaml/v2:ConfigGroup')).toBe(false);
    expect(isKubernetesObject('pulumi:providers:kubernetes')).toBe(false);
    expect(isKubernetesObject('command:remote:Command')).toBe(false);
  });

  it('finds the provider of a reference, under a component too', () => {
    expect(
      providerKeyOf(
        'urn:pulumi:s::schedbench::schedbench:kubernetes:Cluster$schedbench:kubernetes:Objects$pulumi:providers:kubernetes::c-objects-provider::abc',
      ),
    ).toBe('pulumi:providers:kubernetes::c-objects-provider');
    expect(providerKeyOf('')).toBeUndefined();
    expect(providerKeyOf(undefined)).toBeUndefined();
  });

  it('names an unnamed object from its URN, the same at every up', () => {
    const inputs = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } };
    const a = manifestOf('kubernetes:core/v1:ConfigMap', 'cm', 'urn:1', inputs);
    expect(a.metadata?.name).toMatch(/^cm-[0-9a-f]{8}$/);
    expect(manifestOf('kubernetes:core/v1:ConfigMap', 'cm', 'urn:1', inputs)).toEqual(a);
    expect(manifestOf('kubernetes:core/v1:ConfigMap', 'cm', 'urn:2', inputs).metadata?.name).not.toBe(
      a.metadata?.name,
    );
    const named = { ...inputs, metadata: { name: 'mine', namespace: 'x' } };
    expect(manifestOf('kubernetes:core/v1:ConfigMap', 'cm', 'urn:1', named)).toEqual(named);
  });

  it('refuses what it cannot apply, naming it', () => {
    expect(() => manifestOf('kubernetes:core/v1:ConfigMap', 'cm', 'u', { data: {} })).toThrow(
      /kubernetes:core\/v1:ConfigMap cm: not a Kubernetes object/,
    );
    expect(() => providerConfigOf('p', {})).toThrow(/pulumi:providers:kubernetes p: .*kubeconfig/);
    expect(providerConfigOf('p', { kubeconfig: 'k', deleteUnreachable: 'true' })).toEqual({
      kubeconfig: 'k',
      deleteUnreachable: true,
    });
  });
});
