// Flux on VM images (`schedbench:flux.tarball`): the tarball must hold the configured prefix with Fluxion, which
// `up` checks before anything is created, and a Flux stack's built image gets the tarball and Flux's packages.
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { fluxAvailability, missingFromTarball } from '../../../components/flux/availability';
import { FLUX_IMAGE_PACKAGES } from '../../../components/flux/image';
import { imageContentFor } from '../../../components/schedulers/registry';
import { LibvirtBackend } from '../../../components/nodes/libvirt/config';

let dir: string;
/** A tarball of `files` (paths relative to /), made with tar the way `tar -C / -czf … opt/flux` does. */
function tarball(name: string, files: string[]): string {
  const root = path.join(dir, `${name}-root`);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '');
  }
  const out = path.join(dir, `${name}.tar.gz`);
  execFileSync('tar', ['-C', root, '-czf', out, ...new Set(files.map((f) => f.split('/')[0] ?? f))]);
  return out;
}

const WHOLE = [
  'opt/flux/bin/flux',
  'opt/flux/lib/flux/modules/sched-fluxion-qmanager.so',
  'opt/flux/lib/flux/modules/sched-fluxion-resource.so',
];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-fluxtar-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('missingFromTarball', () => {
  it('finds nothing missing in an installed prefix with Fluxion', () => {
    expect(missingFromTarball(tarball('whole', WHOLE), '/opt/flux')).toEqual([]);
  });

  it('names what a tarball lacks, and a prefix it does not hold', () => {
    const core = tarball('core', ['opt/flux/bin/flux', 'opt/flux/lib/flux/modules/sched-simple.so']);
    expect(missingFromTarball(core, '/opt/flux')).toEqual([
      'opt/flux/lib/flux/modules/sched-fluxion-qmanager.so',
      'opt/flux/lib/flux/modules/sched-fluxion-resource.so',
    ]);
    expect(missingFromTarball(tarball('whole2', WHOLE), '/usr/local')).toContain('usr/local/bin/flux');
  });

  it('says when the file is not there, and fails naming a file that is no tarball', () => {
    expect(missingFromTarball(path.join(dir, 'none.tar.gz'), '/opt/flux')).toEqual([
      `the file itself (${path.join(dir, 'none.tar.gz')} does not exist)`,
    ]);
    const junk = path.join(dir, 'junk.tar.gz');
    writeFileSync(junk, 'not a tarball');
    expect(() => missingFromTarball(junk, '/opt/flux')).toThrow(/tar -tf .*junk\.tar\.gz/);
  });
});

describe('Flux availability on VM images', () => {
  it('refuses a tarball without the prefix, naming both keys and what is missing', () => {
    const core = tarball('core2', ['opt/flux/bin/flux']);
    const a = fluxAvailability({ prefix: '/opt/flux', local: false, tarball: core, imageBuilt: true });
    expect(a.available).toBe(false);
    if (a.available) return;
    expect(a.reason).toContain(`schedbench:flux.tarball = ${core}`);
    expect(a.reason).toContain('schedbench:flux.prefix');
    expect(a.reason).toContain('sched-fluxion-qmanager.so');
  });

  it('accepts a whole tarball, and refuses one with an image that is not built here', () => {
    const whole = tarball('whole3', WHOLE);
    expect(fluxAvailability({ prefix: '/opt/flux', local: false, tarball: whole, imageBuilt: true })).toEqual(
      {
        available: true,
      },
    );
    const onFile = fluxAvailability({ prefix: '/opt/flux', local: false, tarball: whole, imageBuilt: false });
    expect(onFile).toMatchObject({ available: false, reason: expect.stringContaining('image.source') });
  });
});

describe("a Flux stack's image content", () => {
  const backend = LibvirtBackend.parse({ type: 'libvirt' });
  it("gives a Flux stack's image the tarball and Flux's packages; nothing without a tarball", () => {
    expect(imageContentFor('flux', { tarball: '/x/flux.tar.gz' }, backend)).toEqual({
      packages: [...FLUX_IMAGE_PACKAGES],
      overlays: ['/x/flux.tar.gz'],
    });
    expect(imageContentFor('flux', {}, backend)).toEqual({ packages: [], overlays: [] });
  });
});
