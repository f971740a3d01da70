// A built base image's Debian mirror under Pulumi mocks: the stack's backend.image.mirror, else the host's apt
// sources (here test/fixtures/apt in place of /etc/apt), else a failure naming the key before anything is declared.
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_PROFILES } from '../../../components/config/schema';
import { LibvirtBackend } from '../../../components/nodes/libvirt/config';
import { libvirtMockStdout } from '../../../components/nodes/libvirt/testing';
import { LibvirtNodes } from '../../../components/nodes/libvirt/LibvirtNodes';

const APT = path.join(__dirname, '../../fixtures/apt');
/** The apt configuration the host seems to have in each test. */
let hostApt = path.join(APT, 'deb822');

jest.mock('../../../components/image/host-mirror', () => {
  const actual = jest.requireActual<typeof import('../../../components/image/host-mirror')>(
    '../../../components/image/host-mirror',
  );
  return {
    ...actual,
    debianMirror: (request: Parameters<typeof actual.debianMirror>[0]) =>
      actual.debianMirror(request, hostApt),
  };
});

const declared: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
      const stdout = args.type.startsWith('command:')
        ? (libvirtMockStdout(args.name, 'tcg') ?? '')
        : undefined;
      return {
        id: `${args.name}-id`,
        state: { ...args.inputs, ...(stdout === undefined ? {} : { stdout, stderr: '' }) },
      };
    },
    call: () => ({}),
  },
  'schedbench',
  'perlmutter',
  false,
);

function nodes(name: string, image: Record<string, unknown> = { source: 'build' }): LibvirtNodes {
  const profile = DEFAULT_PROFILES.small;
  if (profile === undefined) throw new Error('no small profile');
  return new LibvirtNodes(name, {
    clusterName: name,
    profile,
    backend: LibvirtBackend.parse({ type: 'libvirt', image }),
    host: { name: 'h', cores: 128, sockets: 2, memoryGiB: 512, reserve: { cores: 2, memoryGiB: 16 } },
    publicKey: 'ssh-ed25519 AAAAtest schedbench',
    privateKey: pulumi.secret('key'),
  });
}

/** MIRROR of the image build `name` declared. */
async function builtMirror(name: string): Promise<string | undefined> {
  await new Promise((resolve) => setImmediate(resolve));
  const build = declared.find((d) => d.name === `${name}-image-build`);
  return (build?.inputs.environment as Record<string, string> | undefined)?.MIRROR;
}

describe("a built image's Debian mirror", () => {
  it("is the host's apt sources' when the stack names none", async () => {
    hostApt = path.join(APT, 'deb822');
    nodes('m-host');
    expect(await builtMirror('m-host')).toBe('http://apt.example/debian');
  });

  it("is the stack's when it names one, whatever the host has", async () => {
    hostApt = path.join(APT, 'none');
    nodes('m-own', { source: 'build', mirror: 'http://own.example/debian' });
    expect(await builtMirror('m-own')).toBe('http://own.example/debian');
  });

  it('with neither, fails naming the key, and no command is declared', async () => {
    hostApt = path.join(APT, 'none');
    expect(() => nodes('m-none')).toThrow(
      /no Debian mirror for bookworm: .* set schedbench:backend\.image\.mirror/,
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(declared.filter((d) => d.name.startsWith('m-none-') && d.type.startsWith('command:'))).toEqual([]);
  });

  it('is not asked for an image given as a file', () => {
    hostApt = path.join(APT, 'none');
    expect(() => nodes('m-file', { source: 'file', path: '/images/cloud.qcow2' })).not.toThrow();
  });
});
