// A Kubernetes stack through the real Pulumi engine and the Kubernetes provider plugin built from Go modules
// (cli/engine/build.sh; setup.sh builds it with SCHEDBENCH_ENGINE_KUBERNETES=1): preview plans the in-cluster
// objects' Provider — asking for the built plugin's version, not the SDK's — and every object; `up` stands the
// cluster up on two netns nodes and the provider (not the runner's kubectl) applies the objects; a preview right
// after expects no change; `destroy` deletes the objects, then the cluster, and leaves no namespace. Runs when the
// built engine has that plugin and the Kubernetes build is cached; otherwise it says, as a test of its own, why
// it skipped. Needs root.
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { builtPlugin, findPulumi, type PlannedStep } from '../../../cli/engine/drive';
import { clusterNameFor } from '../../../components/config/names';
import { kubernetesBinDir } from '../../../components/kubernetes/cli';
import { engineState, expectOk, viaEngine } from '../../helpers/engine';
import { adminKubectl, TWO_NODE_KUBERNETES } from '../../helpers/kubernetes';
import { REPO } from '../../helpers/runner';
import { writeNetnsStack } from '../../helpers/stack';

jest.setTimeout(45 * 60 * 1000);

// Short: the cluster's name goes into socket paths (containerd's 104-byte limit).
const STACK = `ek${process.pid % 100000}`;
const dir = path.join(REPO, 'test-artifacts', `engine-kubernetes-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const K8S_ROOT = path.join('/var/lib/schedbench', clusterNameFor(STACK), 'kubernetes');
const install = findPulumi(REPO);
const plugin = install === undefined ? undefined : builtPlugin(install, 'kubernetes');
const binDir = kubernetesBinDir();

/** What the program declares inside the cluster, by engine type (components/kubernetes/in-cluster.ts). */
const OBJECT_TYPES = [
  'kubernetes:core/v1:Namespace',
  'kubernetes:scheduling.k8s.io/v1:PriorityClass',
  'kubernetes:core/v1:LimitRange',
  'kubernetes:core/v1:ResourceQuota',
  'kubernetes:core/v1:ServiceAccount',
  'kubernetes:rbac.authorization.k8s.io/v1:Role',
  'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
  'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole',
  'kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding',
].sort();

const kubectl = adminKubectl(binDir, K8S_ROOT);

const netnsOfStack = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`${STACK}-n`));

const why =
  install === undefined
    ? 'no Pulumi engine (./setup.sh builds one)'
    : !install.built
      ? 'the official CLI would download the Kubernetes plugin, and this machine reaches no download site'
      : plugin === undefined
        ? 'the built engine has no Kubernetes provider plugin (SCHEDBENCH_ENGINE_KUBERNETES=1 ./setup.sh)'
        : !existsSync(path.join(binDir, 'bin', 'kubectl'))
          ? `no cached Kubernetes build at ${binDir} (SCHEDBENCH_K8S=1 ./setup.sh, or npx schedbench k8s build)`
          : undefined;

if (why !== undefined)
  test(`skipped: ${why}`, () => {
    process.stdout.write(`engine Kubernetes e2e skipped: ${why}\n`);
    expect(why).not.toBe('');
  });

(why === undefined ? describe : describe.skip)('a Kubernetes stack through the Pulumi engine', () => {
  beforeAll(() => {
    writeNetnsStack(configFile, {
      ...TWO_NODE_KUBERNETES,
      // The cluster and its objects: the workloads are the runner e2e's business (test/e2e/kubernetes).
      'schedbench:stopAfter': 'scheduler',
      'schedbench:resultsDir': path.join(dir, 'runs'),
    });
  });

  afterAll(() => {
    viaEngine('destroy', STACK, configFile);
  });

  test("preview plans the Provider at the built plugin's version and every object", () => {
    const stepsFile = path.join(dir, 'preview.json');
    expectOk(viaEngine('preview', STACK, configFile, '--steps-json', stepsFile));
    const steps = JSON.parse(readFileSync(stepsFile, 'utf8')) as PlannedStep[];
    expect(steps.filter((s) => s.type === 'pulumi:providers:kubernetes').map((s) => s.op)).toEqual([
      'create',
    ]);
    expect(
      steps
        .filter((s) => s.type.startsWith('kubernetes:'))
        .map((s) => s.type)
        .sort(),
    ).toEqual(OBJECT_TYPES);
  });

  test('up: the provider applies the objects into the validated cluster', () => {
    const up = viaEngine('up', STACK, configFile);
    expectOk(up);
    expect(netnsOfStack()).toHaveLength(2);
    const { resources } = engineState(STACK);
    const provider = resources.find((r) => r.type === 'pulumi:providers:kubernetes');
    expect(provider?.inputs?.version).toBe(plugin);
    const objects = resources.filter((r) => r.type.startsWith('kubernetes:'));
    expect(objects.map((r) => r.type).sort()).toEqual(OBJECT_TYPES);
    for (const object of objects) expect(object.provider?.startsWith(provider?.urn ?? '-')).toBe(true);
    // In the cluster, written by the provider's server-side apply: its field manager, not the runner's.
    const namespace = JSON.parse(
      kubectl(['get', 'namespace', 'schedbench', '-o', 'json', '--show-managed-fields']),
    ) as {
      metadata: { managedFields?: { manager: string; operation: string }[] };
    };
    const managers = (namespace.metadata.managedFields ?? []).map((f) => f.manager);
    expect(managers.some((m) => m.startsWith('pulumi-kubernetes'))).toBe(true);
    expect(managers).not.toContain('schedbench');
    expect(
      kubectl([
        'auth',
        'can-i',
        'create',
        'jobs',
        '-n',
        'schedbench',
        '--as',
        'system:serviceaccount:schedbench:schedbench-runner',
      ]).trim(),
    ).toBe('yes');
  });

  test('a preview right after up expects no change', () => {
    expectOk(viaEngine('preview', STACK, configFile, '--expect-no-changes'));
  });

  test('destroy removes the objects and the cluster, and leaves no namespace', () => {
    const down = viaEngine('destroy', STACK, configFile);
    expectOk(down);
    expect(`${down.stdout}\n${down.stderr}`).toMatch(/kubernetes:core\/v1:Namespace/);
    expect(netnsOfStack()).toEqual([]);
    expect(engineState(STACK).resources).toEqual([]);
    expect(existsSync(path.join(K8S_ROOT, 'etc', 'admin.conf'))).toBe(false);
  });
});
