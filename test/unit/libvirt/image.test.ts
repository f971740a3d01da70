// The base image's identity: the same inputs name the same cache directory (no rebuild), any change names
// another; build.sh's and digest.sh's output is parsed strictly.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseImageInfo } from '../../../components/image/info';
import { SLURM_PACKAGES } from '../../../components/slurm/image';
import { imageContentFor } from '../../../components/schedulers/registry';
import { LibvirtBackend } from '../../../components/nodes/libvirt/config';
import {
  BASE_PACKAGES,
  buildEnvironment,
  imageDir,
  imageInputHash,
  readImageInputs,
} from '../../../components/image/inputs';

const opts = { suite: 'bookworm', mirror: 'http://apt.example/debian', extraPackages: [] as string[] };

describe('base image inputs', () => {
  test('same inputs, same hash and directory; package order does not matter', () => {
    const a = readImageInputs({ ...opts, extraPackages: ['htop', 'numactl'] });
    const b = readImageInputs({ ...opts, extraPackages: ['numactl', 'htop', 'htop'] });
    expect(imageInputHash(a)).toBe(imageInputHash(b));
    expect(imageDir('/c', a)).toMatch(/^\/c\/bookworm-[0-9a-f]{16}$/);
  });

  test('a package, the mirror or the seed reader changes the hash', () => {
    const base = readImageInputs(opts);
    expect(imageInputHash(readImageInputs({ ...opts, extraPackages: ['htop'] }))).not.toBe(
      imageInputHash(base),
    );
    expect(imageInputHash(readImageInputs({ ...opts, mirror: 'http://mirror.example/debian' }))).not.toBe(
      imageInputHash(base),
    );
    expect(imageInputHash({ ...base, seedReader: `${base.seedReader}\n# changed` })).not.toBe(
      imageInputHash(base),
    );
  });

  test('the base image carries SSH and the load generator, no scheduler; build.sh gets them as one variable', () => {
    for (const p of ['openssh-server', 'stress-ng', 'jq']) expect(BASE_PACKAGES).toContain(p);
    // A scheduler's packages come from its module's image content, never from the base.
    for (const p of SLURM_PACKAGES) expect(BASE_PACKAGES).not.toContain(p);
    const env = buildEnvironment('/c', readImageInputs(opts));
    expect(env.PACKAGES?.split(',')).toEqual([...BASE_PACKAGES].sort());
    expect(env.DISABLED_UNITS).toBe('');
    expect(env.OUT_DIR).toBe(imageDir('/c', readImageInputs(opts)));
    expect(env.SEED_READER).toContain('schedbench-seed');
  });

  test("a SLURM stack's image adds SLURM's packages and keeps its daemons from starting unconfigured at boot", () => {
    const content = imageContentFor('slurm', {}, LibvirtBackend.parse({ type: 'libvirt' }));
    const inputs = readImageInputs({
      ...opts,
      extraPackages: content.packages,
      overlays: content.overlays,
      disabledUnits: content.disabledUnits ?? [],
    });
    for (const p of SLURM_PACKAGES) expect(inputs.packages).toContain(p);
    const env = buildEnvironment('/c', inputs);
    expect(env.DISABLED_UNITS?.split(' ')).toEqual(
      expect.arrayContaining(['slurmctld.service', 'slurmd.service', 'munge.service']),
    );
    expect(imageInputHash(inputs)).not.toBe(imageInputHash(readImageInputs(opts)));
  });

  test('an overlay tarball counts by content: another file changes the hash, the same bytes elsewhere do not', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schedbench-overlay-'));
    try {
      const a = path.join(dir, 'a.tar');
      const b = path.join(dir, 'b.tar');
      writeFileSync(a, 'one');
      writeFileSync(b, 'one');
      const base = imageInputHash(readImageInputs(opts));
      const withA = readImageInputs({ ...opts, overlays: [a] });
      expect(imageInputHash(withA)).not.toBe(base);
      expect(imageInputHash(readImageInputs({ ...opts, overlays: [b] }))).toBe(imageInputHash(withA));
      writeFileSync(b, 'two');
      expect(imageInputHash(readImageInputs({ ...opts, overlays: [b] }))).not.toBe(imageInputHash(withA));
      // build.sh unpacks what OVERLAYS lists, one path a line; none is an empty list.
      expect(buildEnvironment('/c', withA).OVERLAYS).toBe(a);
      expect(buildEnvironment('/c', readImageInputs(opts)).OVERLAYS).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every node sshd directive is in the image (AcceptEnv SCHEDBENCH_*, no ~/.bashrc)', () => {
    const env = buildEnvironment('/c', readImageInputs(opts));
    expect(env.SSHD_DIRECTIVES?.split('\n')).toEqual(['AcceptEnv SCHEDBENCH_*', 'SetEnv SHLVL=1', '']);
  });

  test('script output is parsed strictly, naming the script', () => {
    const good = {
      disk: '/c/x/disk.qcow2',
      kernel: '',
      initrd: '',
      cmdline: '',
      sha256: 'a'.repeat(64),
      sizeBytes: 1,
      inputHash: '',
      built: false,
    };
    expect(parseImageInfo(JSON.stringify(good), 'digest.sh')).toEqual(good);
    expect(() => parseImageInfo('mmdebstrap: error', 'build.sh')).toThrow(
      /build.sh: stdout is not one JSON document/,
    );
    expect(() => parseImageInfo(JSON.stringify({ ...good, sha256: 'xyz' }), 'build.sh')).toThrow(
      /build.sh: unexpected output/,
    );
  });
});
