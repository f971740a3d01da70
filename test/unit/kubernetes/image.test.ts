// Kubernetes in a VM image: the node bundle (build/bundle.sh, run for real on a stand-in build cache), what the
// registry adds to a built image, and where the cluster looks for the binaries on each backend.
import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { loadConfig } from '../../../components/config/parse';
import { TWO_VM_KUBERNETES } from '../../helpers/kubernetes';
import { KUBERNETES_IMAGE_DIR, KUBERNETES_NODE_PACKAGES } from '../../../components/kubernetes/image';
import { schedulerImageContent } from '../../../components/schedulers/registry';
import { kubernetes } from '../../../components/kubernetes';
import { thisHost } from '../../../components/nodes/host-facts';
import { assertSchedulerAvailable } from '../../../components/schedulers/create';

const BUILD = path.join(__dirname, '../../../components/kubernetes/build');
const TOOLS = ['go', 'gcc', 'jq', 'tar'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
if (missing.length > 0)
  process.stderr.write(`node bundle tests skipped: ${missing.join(', ')} not installed (setup.sh)\n`);
const describeBundle = missing.length === 0 ? describe : describe.skip;

// The mirror as the environment gives it (hosts without apt sources run these tests too).
const MIRROR = 'http://apt.example/debian';
let cache: string;
const saved: Record<string, string | undefined> = {};
beforeEach(() => {
  cache = mkdtempSync(path.join(tmpdir(), 'schedbench-bundle-'));
  for (const [name, value] of Object.entries({
    SCHEDBENCH_K8S_CACHE: cache,
    SCHEDBENCH_K8S_MIRROR: MIRROR,
  })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(cache, { recursive: true, force: true });
});

function run(script: string, env: Record<string, string>, args: string[] = []) {
  const r = spawnSync('bash', [path.join(BUILD, script), ...args], {
    env: { ...process.env, SCHEDBENCH_K8S_CACHE: cache, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

/** A stand-in for a finished build: the binaries' and images' cache entries at the keys the scripts compute. */
function standInBuild(): void {
  const binDir = run('build.sh', { SCHEDBENCH_K8S_KEY_ONLY: '1' }).stdout;
  mkdirSync(path.join(binDir, 'bin'), { recursive: true });
  for (const b of ['kubelet', 'kubectl', 'pause']) {
    const file = path.join(binDir, 'bin', b);
    writeFileSync(
      file,
      b === 'pause' ? '#!/bin/sh\necho "pause.c v3.10.2-schedbench"\n' : `#!/bin/sh\necho ${b}\n`,
    );
    chmodSync(file, 0o755);
  }
  writeFileSync(path.join(binDir, 'manifest.json'), '{"versions":{}}\n');
  const imagesDir = run('images.sh', { SCHEDBENCH_K8S_KEY_ONLY: '1' }, [path.join(binDir, 'bin')]).stdout;
  mkdirSync(imagesDir, { recursive: true });
  for (const f of ['images.json', 'pause.tar', 'stress.tar']) writeFileSync(path.join(imagesDir, f), f);
}

describeBundle('the node bundle (build/bundle.sh)', () => {
  it('packs the cached build under the prefix, once; its key is known before and moves with the prefix', () => {
    const env = { BUNDLE_PREFIX: KUBERNETES_IMAGE_DIR };
    const key = run('bundle.sh', { ...env, SCHEDBENCH_K8S_KEY_ONLY: '1' });
    expect(key.status).toBe(0);
    expect(key.stdout).toMatch(new RegExp(`^${cache}/node-[0-9a-f]{16}\\.tar$`));
    standInBuild();

    const made = run('bundle.sh', env);
    expect(made.stderr).toContain('k8s bundle:');
    expect(made.status).toBe(0);
    expect(made.stdout).toBe(key.stdout);
    const members = spawnSync('tar', ['-tf', made.stdout], { encoding: 'utf8' }).stdout.split('\n');
    const at = KUBERNETES_IMAGE_DIR.slice(1);
    expect(members.filter((m) => m !== '' && !m.endsWith('/')).sort()).toEqual(
      [
        'bin/kubectl',
        'bin/kubelet',
        'bin/pause',
        'images/images.json',
        'images/pause.tar',
        'images/stress.tar',
        'manifest.json',
      ].map((m) => `${at}/${m}`),
    );
    // Files, not the staging links, and root-owned.
    const listing = spawnSync('tar', ['-tvf', made.stdout], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/^-rwxr-xr-x 0\/0 .* opt\/schedbench\/kubernetes\/bin\/kubelet$/m);
    expect(listing).not.toMatch(/^l/m);

    const again = run('bundle.sh', env);
    expect(again.stderr).toContain(`cached: ${made.stdout}`);
    expect(run('bundle.sh', { BUNDLE_PREFIX: '/srv/k8s', SCHEDBENCH_K8S_KEY_ONLY: '1' }).stdout).not.toBe(
      made.stdout,
    );
  });

  it('its key moves with the mirror, and stays for the same one; without a mirror it names the variable', () => {
    const key = (mirror: string) =>
      run('bundle.sh', {
        BUNDLE_PREFIX: KUBERNETES_IMAGE_DIR,
        SCHEDBENCH_K8S_KEY_ONLY: '1',
        SCHEDBENCH_K8S_MIRROR: mirror,
      });
    expect(key(MIRROR).stdout).toBe(key(MIRROR).stdout);
    expect(key('http://other.example/debian').stdout).not.toBe(key(MIRROR).stdout);
    for (const script of ['bundle.sh', 'images.sh']) {
      const r = run(
        script,
        { BUNDLE_PREFIX: KUBERNETES_IMAGE_DIR, SCHEDBENCH_K8S_KEY_ONLY: '1', SCHEDBENCH_K8S_MIRROR: '' },
        ['/nonexistent'],
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('SCHEDBENCH_K8S_MIRROR: set it to a Debian mirror URL');
    }
  });

  it('refuses a relative prefix', () => {
    const r = run('bundle.sh', { BUNDLE_PREFIX: 'opt/k8s' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('BUNDLE_PREFIX must be absolute, got opt/k8s');
  });
});

describeBundle('Kubernetes on libvirt VMs', () => {
  const stack = (backend: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    loadConfig(
      {
        ...TWO_VM_KUBERNETES,
        'schedbench:backend': backend,
        'schedbench:kubernetes': options,
      },
      'k8s-vm',
    );
  /** The options the cluster gets: the module's, given what the stack's config and this host say. */
  const clusterOptions = (config: ReturnType<typeof stack>) =>
    kubernetes.clusterOptions({
      options: config.kubernetes,
      backend: config.backend,
      profile: { name: config.profile, nodes: 2, vcpus: 1, memoryGiB: 3 },
      cluster: config.clusterName,
      stateDir: '/var/lib/schedbench/x/kubernetes',
      nodes: ['x-n1', 'x-n2'],
      host: thisHost(),
      emulation: null,
    });

  it('a built image carries the node bundle and packages; the cluster looks for the binaries there', () => {
    const config = stack({ type: 'libvirt' });
    expect(() => assertSchedulerAvailable(config)).not.toThrow();
    const content = schedulerImageContent(config, thisHost());
    expect(content.packages).toEqual([...KUBERNETES_NODE_PACKAGES]);
    const [bundle] = content.overlays;
    if (bundle === undefined || typeof bundle === 'string') throw new Error('expected a made overlay');
    expect(bundle.path).toMatch(new RegExp(`^${cache}/node-[0-9a-f]{16}\\.tar$`));
    expect(bundle.identity).toBe(`kubernetes-node-${/node-([0-9a-f]+)\.tar$/.exec(bundle.path)?.[1] ?? ''}`);
    expect(bundle.make.environment.BUNDLE_PREFIX).toBe(KUBERNETES_IMAGE_DIR);
    expect(bundle.make.environment.SCHEDBENCH_K8S_MIRROR).toBe(MIRROR);
    expect(clusterOptions(config).binDir).toBe(KUBERNETES_IMAGE_DIR);
  });

  it("a stack's own binDir wins: nothing is baked, the cluster looks there", () => {
    const config = stack({ type: 'libvirt' }, { binDir: '/shared/k8s' });
    expect(schedulerImageContent(config, thisHost())).toEqual({ packages: [], overlays: [] });
    expect(clusterOptions(config).binDir).toBe('/shared/k8s');
  });

  it('netns nodes share the build; an image given as a file cannot carry it and is refused before anything', () => {
    expect(clusterOptions(stack({ type: 'netns' })).binDir).toBeUndefined();
    const file = stack({ type: 'libvirt', image: { source: 'file', path: '/images/cloud.qcow2' } });
    expect(() => assertSchedulerAvailable(file)).toThrow(
      /schedbench:scheduler = "kubernetes": .*backend\.image\.source: file.*nothing was created/,
    );
  });
});
