// The Debian mirror an image build uses by default: the host's apt sources, parsed in both formats (one-line
// sources.list, deb822 *.sources), read in apt's order, and the first deb entry for the suite with main taken.
// The hosts in test/fixtures/apt are made up (test/fixtures/apt/README.md).
import * as path from 'path';
import {
  debianMirrorFrom,
  parseDeb822Sources,
  parseOneLineSources,
  sourcesFormat,
} from '../../../components/image/apt-sources';
import { debianMirror, readAptSources } from '../../../components/image/host-mirror';
import { kubernetesMirrorEnvironment } from '../../../components/kubernetes/build-key';
import { imageMirror, LibvirtBackend, MIRROR_KEY } from '../../../components/nodes/libvirt/config';

const APT = path.join(__dirname, '../../fixtures/apt');
const request = { override: undefined, suite: 'bookworm', setting: MIRROR_KEY };

describe('one-line sources (sources.list, *.list)', () => {
  it('reads type, options, URI, suite and components; skips comments and anything else', () => {
    const text = [
      '# deb http://commented.example/debian bookworm main',
      '',
      'deb [arch=amd64 signed-by=/k.gpg] http://apt.example/debian bookworm main contrib # trailing comment',
      '  deb-src http://src.example/debian bookworm main',
      'deb http://flat.example/repo ./',
      'rpm http://other.example/ x',
    ].join('\n');
    expect(parseOneLineSources(text)).toEqual([
      {
        types: ['deb'],
        uris: ['http://apt.example/debian'],
        suites: ['bookworm'],
        components: ['main', 'contrib'],
      },
      { types: ['deb-src'], uris: ['http://src.example/debian'], suites: ['bookworm'], components: ['main'] },
      { types: ['deb'], uris: ['http://flat.example/repo'], suites: ['./'], components: [] },
    ]);
  });
});

describe('deb822 sources (*.sources)', () => {
  it('reads stanzas with comments inside, continued fields, several values a field, any case of field names', () => {
    const text = [
      '# a comment before',
      'Types: deb deb-src',
      '# a comment inside',
      'URIs: http://apt.example/debian',
      'suites: bookworm',
      ' bookworm-updates',
      'Components: main',
      'Signed-By:',
      ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
      ' .',
      ' -----END PGP PUBLIC KEY BLOCK-----',
      '',
      '',
      'Types: deb',
      'URIs: http://security.example/debian-security',
      'Suites: bookworm-security',
      'Components: main',
    ].join('\n');
    expect(parseDeb822Sources(text)).toEqual([
      {
        types: ['deb', 'deb-src'],
        uris: ['http://apt.example/debian'],
        suites: ['bookworm', 'bookworm-updates'],
        components: ['main'],
      },
      {
        types: ['deb'],
        uris: ['http://security.example/debian-security'],
        suites: ['bookworm-security'],
        components: ['main'],
      },
    ]);
  });

  it('drops a stanza turned off (Enabled: no) and one that names no source', () => {
    const off =
      'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n';
    expect(parseDeb822Sources(off)).toEqual([]);
    expect(parseDeb822Sources(off.replace('Enabled: no', 'Enabled: yes'))).toHaveLength(1);
    expect(parseDeb822Sources('Types: deb\nSuites: bookworm\n')).toEqual([]);
  });
});

describe('the files apt reads', () => {
  it('by name, as apt: *.list one-line, *.sources deb822, anything else ignored', () => {
    expect(sourcesFormat('debian.sources')).toBe('deb822');
    expect(sourcesFormat('vendor.list')).toBe('one-line');
    expect(sourcesFormat('vendor.list.disabled')).toBeUndefined();
    expect(sourcesFormat('nodesource.sources.disabled-by-farm')).toBeUndefined();
    expect(sourcesFormat('debian.sources.save')).toBeUndefined();
    expect(sourcesFormat('bad name.list')).toBeUndefined();
  });

  it('sources.list first, then sources.list.d/ in name order', () => {
    const uris = readAptSources(path.join(APT, 'deb822')).map((s) => s.uris[0]);
    expect(uris).toEqual([
      'http://firmware.example/debian',
      'http://testing.example/debian',
      'http://apt.example/debian/',
      'http://security.example/debian-security',
    ]);
    expect(readAptSources(path.join(APT, 'one-line')).map((s) => s.uris[0])[0]).toBe(
      'http://src.example/debian',
    );
    expect(readAptSources(path.join(APT, 'no-such-dir'))).toEqual([]);
  });
});

describe('the mirror of a suite', () => {
  it('is the first deb entry whose suites include it and whose components include main, over http(s)', () => {
    for (const host of ['deb822', 'one-line'])
      expect(debianMirrorFrom(readAptSources(path.join(APT, host)), 'bookworm')).toBe(
        'http://apt.example/debian',
      );
    expect(debianMirrorFrom(readAptSources(path.join(APT, 'deb822')), 'trixie')).toBe(
      'http://testing.example/debian',
    );
    expect(debianMirrorFrom(readAptSources(path.join(APT, 'none')), 'bookworm')).toBeUndefined();
    expect(debianMirrorFrom([], 'bookworm')).toBeUndefined();
  });

  it('the configured one wins, validated; without one, the host has to have one, or the setting is named', () => {
    const withOne = path.join(APT, 'deb822');
    const without = path.join(APT, 'none');
    expect(debianMirror(request, withOne)).toBe('http://apt.example/debian');
    expect(debianMirror({ ...request, override: 'https://own.example/debian' }, without)).toBe(
      'https://own.example/debian',
    );
    expect(debianMirror({ ...request, override: '' }, withOne)).toBe('http://apt.example/debian');
    expect(() => debianMirror(request, without)).toThrow(
      /no Debian mirror for bookworm: .*none\/sources\.list.* set schedbench:backend\.image\.mirror/,
    );
    expect(() =>
      debianMirror({ ...request, override: 'ftp://x', setting: 'SCHEDBENCH_K8S_MIRROR' }, withOne),
    ).toThrow('SCHEDBENCH_K8S_MIRROR: must be an http(s) URL of a Debian mirror, got ftp://x');
  });

  it("a libvirt stack's backend.image.mirror and SCHEDBENCH_K8S_MIRROR override the host's", () => {
    const backend = LibvirtBackend.parse({ type: 'libvirt' });
    if (backend.image.source !== 'build') throw new Error('expected a built image by default');
    expect(backend.image.mirror).toBeUndefined();
    expect(imageMirror({ ...backend.image, mirror: 'http://own.example/debian' })).toBe(
      'http://own.example/debian',
    );
    expect(kubernetesMirrorEnvironment({ SCHEDBENCH_K8S_MIRROR: 'http://own.example/debian' })).toEqual({
      SCHEDBENCH_K8S_MIRROR: 'http://own.example/debian',
    });
    expect(() => kubernetesMirrorEnvironment({ SCHEDBENCH_K8S_MIRROR: 'own.example' })).toThrow(
      /^SCHEDBENCH_K8S_MIRROR: must be an http\(s\) URL/,
    );
  });
});
