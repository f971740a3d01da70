// The local runner's Kubernetes resources: any `kubernetes:<group/version>:<Kind>` resource of @pulumi/kubernetes
// is its manifest, applied with `kubectl apply --server-side --field-manager=schedbench` under the kubeconfig of
// the `pulumi:providers:kubernetes` it names, and deleted with `kubectl delete`. Generic on purpose: no kind is
// special. (Helm charts, kustomizations and YAML groups are components of such resources; the runner does not
// expand them — they need the Pulumi engine.)
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createHash } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { z } from 'zod';
import { LineSink, runLocal, StepError } from './exec';

export const KUBERNETES_PROVIDER = 'pulumi:providers:kubernetes';
/** The field manager of every apply, so that `kubectl get --show-managed-fields` tells the runner's fields apart. */
export const FIELD_MANAGER = 'schedbench';

/** The SDK's own "groups": Helm releases and charts, YAML and kustomize groups — not objects of the cluster. */
const PULUMI_ONLY_GROUPS = new Set(['helm.sh', 'yaml', 'kustomize']);

/** Whether a resource type is a Kubernetes object the runner applies (not a Helm/YAML component, not a provider). */
export function isKubernetesObject(type: string): boolean {
  const match = /^kubernetes:(?:([a-z0-9.-]+)\/)?v[0-9a-z]+:[A-Z][A-Za-z0-9]*$/.exec(type);
  return match !== null && !PULUMI_ONLY_GROUPS.has(match[1] ?? '') && !type.endsWith('List');
}

/** What the runner keeps of a Kubernetes provider: how to reach the cluster. */
export const ProviderConfig = z.object({
  kubeconfig: z.string().min(1),
  namespace: z.string().optional(),
  deleteUnreachable: z.boolean().default(false),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** A provider's inputs as the runner keeps them (the SDK passes booleans of providers as JSON strings). */
export function providerConfigOf(name: string, inputs: Record<string, unknown>): ProviderConfig {
  const bool = (v: unknown) => v === true || v === 'true';
  if (typeof inputs.kubeconfig !== 'string' || inputs.kubeconfig === '')
    throw new Error(
      `${KUBERNETES_PROVIDER} ${name}: the local runner needs its kubeconfig (the contents, not a path to the ambient one)`,
    );
  return ProviderConfig.parse({
    kubeconfig: inputs.kubeconfig,
    namespace: typeof inputs.namespace === 'string' ? inputs.namespace : undefined,
    deleteUnreachable: bool(inputs.deleteUnreachable),
  });
}

/** The `<type>::<name>` of the provider a resource names by reference (`<urn>::<id>`), or undefined for none. */
export function providerKeyOf(reference: string | undefined): string | undefined {
  if (reference === undefined || reference === '') return undefined;
  const parts = reference.split('::');
  // urn:pulumi:<stack> :: <project> :: <qualified type> :: <name> :: <id>
  const qualified = parts[2];
  const name = parts[3];
  if (qualified === undefined || name === undefined) return undefined;
  return `${qualified.split('$').pop() ?? qualified}::${name}`;
}

const Manifest = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z
      .object({ name: z.string().optional(), namespace: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type Manifest = z.infer<typeof Manifest>;

/**
 * The manifest of a resource from its inputs. Without `metadata.name` it is auto-named as the provider does,
 * `<resource name>-<8 characters>`, but from the URN's digest, so that every `up` names it the same.
 */
export function manifestOf(
  type: string,
  name: string,
  urn: string,
  inputs: Record<string, unknown>,
): Manifest {
  const parsed = Manifest.safeParse(inputs);
  if (!parsed.success)
    throw new Error(`${type} ${name}: not a Kubernetes object (${parsed.error.issues[0]?.message ?? ''})`);
  const manifest = parsed.data;
  if (manifest.metadata?.name !== undefined) return manifest;
  const suffix = createHash('sha256').update(urn).digest('hex').slice(0, 8);
  return { ...manifest, metadata: { ...manifest.metadata, name: `${name}-${suffix}` } };
}

export interface KubectlContext {
  kubectl: string;
  provider: ProviderConfig;
  onStderr?: LineSink;
}

/** Runs kubectl with the provider's kubeconfig in a private temporary file, removed afterwards. */
async function withKubeconfig<T>(context: KubectlContext, run: (env: Record<string, string>) => Promise<T>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schedbench-kube-'));
  try {
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(file, context.provider.kubeconfig, { mode: 0o600 });
    return await run({ KUBECONFIG: file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function kubectlArgs(context: KubectlContext, args: string[]): string[] {
  const namespace =
    context.provider.namespace === undefined ? [] : ['--namespace', context.provider.namespace];
  return [context.kubectl, '--request-timeout=30s', ...namespace, ...args];
}

/** Server-side apply of `manifest`; returns the object as the apiserver stored it. */
export async function applyManifest(
  manifest: Manifest,
  context: KubectlContext,
): Promise<Record<string, unknown>> {
  const result = await withKubeconfig(context, (environment) =>
    runLocal(
      {
        // kubectl itself is the interpreter; the command is its last argument: the manifest on stdin.
        interpreter: kubectlArgs(context, [
          'apply',
          '--server-side',
          `--field-manager=${FIELD_MANAGER}`,
          '--output=json',
          '--filename',
        ]),
        command: '-',
        environment,
        stdin: JSON.stringify(manifest),
      },
      context.onStderr,
    ),
  );
  return z.record(z.string(), z.unknown()).parse(JSON.parse(result.stdout));
}

/** kubectl's words for a cluster that does not answer at all. */
const UNREACHABLE =
  /Unable to connect to the server|connection refused|no route to host|i\/o timeout|network is unreachable|context deadline exceeded/i;

/**
 * Deletes the object (waiting until it is gone: a namespace's contents go first). An object already gone is fine;
 * a cluster that does not answer fails the delete unless the provider says `deleteUnreachable`, as the Kubernetes
 * provider does. Returns what happened.
 */
export async function deleteManifest(
  manifest: Manifest,
  context: KubectlContext,
): Promise<'deleted' | 'unreachable'> {
  try {
    await withKubeconfig(context, (environment) =>
      runLocal(
        {
          interpreter: kubectlArgs(context, [
            'delete',
            '--ignore-not-found',
            '--wait=true',
            '--timeout=180s',
            '--filename',
          ]),
          command: '-',
          environment,
          stdin: JSON.stringify({
            apiVersion: manifest.apiVersion,
            kind: manifest.kind,
            metadata: { name: manifest.metadata?.name, namespace: manifest.metadata?.namespace },
          }),
        },
        context.onStderr,
      ),
    );
    return 'deleted';
  } catch (err) {
    const text = err instanceof StepError ? `${err.stderr}\n${err.message}` : String(err);
    if (context.provider.deleteUnreachable && UNREACHABLE.test(text)) return 'unreachable';
    throw err;
  }
}
