// Which path runs an operation (cli/engine/drive.ts choosePath, asked by cli/pulumi.ts before anything runs): the
// provider plugins a stack needs and the built engine lacks (missingPlugins; the official CLI acquires its own),
// and the stack's state — a stack made by the runner stays with the runner, so `destroy` finds what `up` made.
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { builtPlugin, choosePath, missingPlugins } from '../../../cli/engine/drive';
import { kubernetesPluginVersion } from '../../../components/kubernetes/plugin';

describe('missingPlugins', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'engine-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const kubernetes = { 'schedbench:scheduler': 'kubernetes' };

  it('asks for the Kubernetes provider for a Kubernetes stack until the build has it', () => {
    const built = { root, built: true };
    expect(missingPlugins(built, kubernetes)).toEqual(['kubernetes']);
    expect(missingPlugins(built, { 'schedbench:scheduler': 'slurm' })).toEqual([]);
    mkdirSync(path.join(root, 'home', 'plugins', 'resource-kubernetes-v4.0.0-20260115033456-f47bc2d6f199'), {
      recursive: true,
    });
    expect(missingPlugins(built, kubernetes)).toEqual([]);
  });

  it('asks nothing of the official CLI', () => {
    expect(missingPlugins({ built: false }, kubernetes)).toEqual([]);
  });

  it("names the built Kubernetes plugin's version, which the program's Provider then asks for", () => {
    const built = { root, built: true };
    const plugins = path.join(root, 'home', 'plugins');
    mkdirSync(path.join(plugins, 'resource-command-v1.2.1'), { recursive: true });
    expect(builtPlugin(built, 'kubernetes')).toBeUndefined();
    // A download or install in progress leaves a lock or partial beside the directory: not a plugin.
    mkdirSync(path.join(plugins, 'resource-kubernetes-v4.34.2.partial'));
    expect(builtPlugin(built, 'kubernetes')).toBeUndefined();
    mkdirSync(path.join(plugins, 'resource-kubernetes-v4.0.0-20260115033456-f47bc2d6f199'));
    const version = builtPlugin(built, 'kubernetes');
    expect(version).toBe('4.0.0-20260115033456-f47bc2d6f199');
    expect(builtPlugin({ built: false }, 'kubernetes')).toBeUndefined();
    expect(kubernetesPluginVersion({ SCHEDBENCH_KUBERNETES_PLUGIN_VERSION: version })).toBe(version);
  });
});

describe('kubernetesPluginVersion', () => {
  it("keeps the SDK's version unless told, and refuses what is not a version", () => {
    expect(kubernetesPluginVersion({})).toBeUndefined();
    expect(kubernetesPluginVersion({ SCHEDBENCH_KUBERNETES_PLUGIN_VERSION: '' })).toBeUndefined();
    expect(kubernetesPluginVersion({ SCHEDBENCH_KUBERNETES_PLUGIN_VERSION: 'v4.34.2' })).toBe('4.34.2');
    expect(() =>
      kubernetesPluginVersion({ SCHEDBENCH_KUBERNETES_PLUGIN_VERSION: 'latest; rm -rf /' }),
    ).toThrow(/SCHEDBENCH_KUBERNETES_PLUGIN_VERSION="latest; rm -rf \/": not a plugin version/);
  });
});

describe('choosePath', () => {
  const install = { root: '/x', built: true };
  const base = { local: false, install, missing: [], runnerHasStack: false, engineHasStack: false };

  it('takes the engine when there is one, the runner when asked or when there is none', () => {
    expect(choosePath(base)).toEqual({ kind: 'engine', install });
    expect(choosePath({ ...base, local: true })).toEqual({ kind: 'runner' });
    expect(choosePath({ ...base, install: undefined })).toEqual({ kind: 'runner' });
  });

  it("keeps a runner's stack with the runner, unless the engine has it too or cannot tell", () => {
    expect(choosePath({ ...base, runnerHasStack: true })).toMatchObject({
      kind: 'runner',
      why: expect.stringMatching(/made by the local runner/) as unknown,
    });
    expect(choosePath({ ...base, runnerHasStack: true, engineHasStack: true }).kind).toBe('engine');
    expect(choosePath({ ...base, runnerHasStack: true, engineHasStack: undefined }).kind).toBe('engine');
  });

  it('runs a stack whose provider plugin the built engine lacks with the runner, saying how to build it', () => {
    expect(choosePath({ ...base, missing: ['kubernetes'] })).toMatchObject({
      kind: 'runner',
      why: expect.stringMatching(/no kubernetes provider plugin.*SCHEDBENCH_ENGINE_KUBERNETES=1/) as unknown,
    });
  });
});
