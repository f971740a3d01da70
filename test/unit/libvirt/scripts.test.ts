// The libvirt backend's host scripts run for real — as their Command resources run them (hostScript: the prelude,
// storage.sh and lib.sh in front) — against stand-in virsh, qemu-img, cloud-localds and ssh: the seed's secret
// never in an argv on the way to a remote hypervisor (#29 N3), the seed 0600 and removed once the guest applied it
// (N15), no write through a link or a directory others can change in storageDir (N7), nothing adopted or removed
// that another stack owns (N12, N13). The storage directory must be one only root can change: it is made under the
// repository (test-artifacts/), and the cases that need it skip visibly where that is not so (not root).
import { spawnSync } from 'child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import * as path from 'path';
import { hostScript } from '../../../components/nodes/libvirt/LibvirtNodes';
import { ownerMetadataXml } from '../../../components/nodes/libvirt/owner';
import { standIn } from '../stages/bash';

const REPO = path.join(__dirname, '..', '..', '..');
const OWNER = 'c1@unit';
const SECRET = 'UNIT-HOST-PRIVATE-KEY-4f1c';

/** True when root alone can change `dir` and every directory above it (storage.sh's rule). */
function trustedByRootAlone(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    const s = lstatSync(d);
    if (!s.isDirectory() || s.uid !== 0 || (s.mode & 0o022) !== 0) return false;
    if (d === '/') return true;
  }
}

const artifacts = path.join(REPO, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });
const canTrust = process.getuid?.() === 0 && trustedByRootAlone(artifacts);
const itTrusted = canTrust ? it : it.skip;
if (!canTrust)
  console.warn(`libvirt scripts: ${artifacts} is not root's alone (not root?): storage cases skipped`);

let base: string;
let fake: string;
let storage: string;
let nodeDir: string;
let baseDisk: string;

beforeEach(() => {
  base = mkdtempSync(path.join(artifacts, 'libvirt-scripts-'));
  chmodSync(base, 0o755);
  fake = path.join(base, 'fake');
  storage = path.join(base, 'storage');
  nodeDir = path.join(storage, 'nodes', 'c1', 'c1-n1');
  baseDisk = path.join(base, 'images', 'base.qcow2');
  mkdirSync(path.dirname(baseDisk), { recursive: true });
  writeFileSync(baseDisk, 'base');
  const bin = path.join(fake, 'bin');
  // virsh: one domain whose persistent definition is $FAKE/domain.xml; every call logged.
  standIn(
    bin,
    'virsh',
    `printf '%s\\n' "$*" >>"$FAKE/virsh.log"
shift 2
cmd=$1
shift
case $cmd in
  dominfo) [[ -f $FAKE/domain.xml ]] ;;
  dumpxml) [[ -f $FAKE/domain.xml ]] && cat "$FAKE/domain.xml" ;;
  define) cp "$1" "$FAKE/domain.xml" ;;
  domstate) if [[ -f $FAKE/running ]]; then echo running; else echo 'shut off'; fi ;;
  start) touch "$FAKE/running" ;;
  destroy) rm -f "$FAKE/running" ;;
  undefine) rm -f "$FAKE/domain.xml" ;;
  domblklist)
    printf ' Target   Source\\n------------------------\\n vda      %s\\n' "$NODE_DIR_SEEN/disk.qcow2"
    if [[ -f $FAKE/seed-attached ]]; then printf ' vdb      %s\\n' "$NODE_DIR_SEEN/seed.iso"; fi ;;
  detach-disk) rm -f "$FAKE/seed-attached" ;;
  *) exit 1 ;;
esac`,
  );
  standIn(
    bin,
    'qemu-img',
    `case $1 in
  info) echo '{"format":"qcow2"}' ;;
  create) touch "\${@: -2:1}" ;;
esac`,
  );
  // cloud-localds --network-config=F OUT USER META: the documents, concatenated, as the "image".
  standIn(bin, 'cloud-localds', 'cat "$3" "$4" >"$2"');
  // QEMU's user may reach the node's directory (a real check needs the libvirt-qemu account).
  standIn(bin, 'runuser', 'exit 0');
  // ssh HOST COMMAND: its argv logged (NUL-separated), then COMMAND run as a remote login shell would — a clean
  // environment, stdin passed on.
  standIn(
    bin,
    'ssh',
    `printf '%s\\0' "$@" >>"$FAKE/ssh-argv"
exec env -i PATH="$PATH" FAKE="$FAKE" NODE_DIR_SEEN="$NODE_DIR_SEEN" bash -c "\${@: -1}"`,
  );
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function domainXml(owner: string): string {
  return ["<domain type='qemu'>", '  <name>c1-n1</name>', ...ownerMetadataXml(owner), '</domain>', ''].join(
    '\n',
  );
}

/** Runs the backend's `name` script as its Command resource does, with the stand-ins first on PATH. */
function run(name: string, env: Record<string, string>) {
  return spawnSync('bash', ['-c', hostScript(name)], {
    encoding: 'utf8',
    timeout: 60000,
    env: {
      PATH: `${path.join(fake, 'bin')}:${String(process.env.PATH)}`,
      SHLVL: '1',
      FAKE: fake,
      NODE_DIR_SEEN: nodeDir,
      VIRSH_URI: 'qemu:///system',
      DOMAIN: 'c1-n1',
      NODE_DIR: nodeDir,
      OWNER,
      ...env,
    },
  });
}

const nodeEnv = () => ({
  DOMAIN_XML: domainXml(OWNER),
  BASE_DISK: baseDisk,
  DISK_GIB: '4',
  USER_DATA: `#cloud-config\n{"ssh_keys":{"ed25519_private":"-----BEGIN OPENSSH PRIVATE KEY-----\\n${SECRET}\\n"}}\n`,
  META_DATA: '{"instance-id":"i-1","local-hostname":"c1-n1"}',
  NETWORK_CONFIG: '{"version":2}',
});
const virshCalls = () =>
  existsSync(path.join(fake, 'virsh.log')) ? readFileSync(path.join(fake, 'virsh.log'), 'utf8') : '';
const mode = (file: string) => statSync(file).mode & 0o777;

describe('libvirt node.sh on a remote hypervisor (#29 N3)', () => {
  itTrusted(
    'gets its parameters on ssh’s stdin: the seed’s host private key in no argv, here or there',
    () => {
      const r = run('node.sh', { ...nodeEnv(), HV_SSH: 'root@hv1' });
      expect(r.stderr).not.toMatch(/error|refus/i);
      expect(r.status).toBe(0);
      const argv = readFileSync(path.join(fake, 'ssh-argv'), 'utf8').split('\0');
      expect(argv).toContain('root@hv1');
      // Neither ssh's argv nor the remote shell's command (its last argument) carries a parameter's value.
      expect(argv.join(' ')).not.toContain(SECRET);
      expect(argv.join(' ')).not.toContain('USER_DATA=');
      expect(argv.join(' ')).not.toContain(nodeDir);
      // The parameters did arrive: the seed made "there" holds the key, the domain was defined and started.
      expect(readFileSync(path.join(nodeDir, 'seed.iso'), 'utf8')).toContain(SECRET);
      expect(JSON.parse(r.stdout)).toMatchObject({ domain: 'c1-n1', state: 'running' });
    },
  );
});

describe('the cloud-init seed (#29 N15)', () => {
  itTrusted('is made 0600 (the overlay too) in a 0711 node directory that carries its owner', () => {
    const r = run('node.sh', nodeEnv());
    expect(r.status).toBe(0);
    expect(mode(path.join(nodeDir, 'seed.iso'))).toBe(0o600);
    expect(mode(path.join(nodeDir, 'disk.qcow2'))).toBe(0o600);
    expect(mode(nodeDir)).toBe(0o711);
    expect(readFileSync(path.join(nodeDir, '.schedbench-vm'), 'utf8').trim()).toBe(OWNER);
    // The seed's documents left nothing behind.
    expect(readdirSync(nodeDir).sort()).toEqual(['.schedbench-vm', 'disk.qcow2', 'seed.iso']);
  });

  itTrusted('is removed once the guest applied it: gone from the persistent definition and from disk', () => {
    expect(run('node.sh', nodeEnv()).status).toBe(0);
    writeFileSync(path.join(fake, 'seed-attached'), '');
    const r = run('seed-remove.sh', {});
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ domain: 'c1-n1', removed: true });
    expect(virshCalls()).toContain(`detach-disk c1-n1 ${nodeDir}/seed.iso --config`);
    expect(existsSync(path.join(nodeDir, 'seed.iso'))).toBe(false);
    expect(existsSync(path.join(fake, 'running'))).toBe(true); // the VM runs on
    // Idempotent.
    const again = run('seed-remove.sh', {});
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ removed: false });
  });

  itTrusted('is not touched in a domain of another stack', () => {
    expect(run('node.sh', nodeEnv()).status).toBe(0);
    writeFileSync(path.join(fake, 'domain.xml'), domainXml('c1@other'));
    const r = run('seed-remove.sh', {});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("belongs to 'c1@other'");
    expect(virshCalls()).not.toContain('detach-disk');
    expect(existsSync(path.join(nodeDir, 'seed.iso'))).toBe(true);
  });
});

describe('storageDir is trust-checked (#29 N7)', () => {
  itTrusted('a storageDir that is a link: refused, nothing written through it', () => {
    const elsewhere = path.join(base, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, storage);
    const r = run('node.sh', nodeEnv());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('schedbench:backend.storageDir');
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(virshCalls()).not.toContain('define');
  });

  itTrusted('a directory others can write on the way: refused, nothing made below it', () => {
    mkdirSync(path.join(storage, 'nodes'), { recursive: true });
    chmodSync(path.join(storage, 'nodes'), 0o1777);
    const r = run('node.sh', nodeEnv());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('schedbench:backend.storageDir');
    expect(existsSync(path.join(storage, 'nodes', 'c1'))).toBe(false);
  });
});

describe('another stack’s node of the same name (#29 N12, N13)', () => {
  itTrusted('node.sh never adopts an existing node directory without its marker, even an empty one', () => {
    mkdirSync(nodeDir, { recursive: true });
    const r = run('node.sh', nodeEnv());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('without a schedbench marker');
    expect(readdirSync(nodeDir)).toEqual([]);
  });

  itTrusted('node.sh does not take over a domain of another stack', () => {
    writeFileSync(path.join(fake, 'domain.xml'), domainXml('c1@other'));
    const r = run('node.sh', nodeEnv());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("belongs to 'c1@other'");
    expect(existsSync(nodeDir)).toBe(false);
  });

  itTrusted(
    'node-delete.sh leaves a domain and directory of another stack alone, and removes its own',
    () => {
      expect(run('node.sh', nodeEnv()).status).toBe(0);
      writeFileSync(path.join(fake, 'domain.xml'), domainXml('c1@other'));
      writeFileSync(path.join(nodeDir, '.schedbench-vm'), 'c1@other\n');
      const theirs = run('node-delete.sh', {});
      expect(theirs.status).toBe(0);
      expect(JSON.parse(theirs.stdout)).toEqual({ domain: 'c1-n1', deleted: false });
      expect(virshCalls()).not.toMatch(/^-c \S+ (destroy|undefine)/m);
      expect(existsSync(path.join(fake, 'running'))).toBe(true);
      expect(existsSync(path.join(nodeDir, 'disk.qcow2'))).toBe(true);

      writeFileSync(path.join(fake, 'domain.xml'), domainXml(OWNER));
      writeFileSync(path.join(nodeDir, '.schedbench-vm'), `${OWNER}\n`);
      const mine = run('node-delete.sh', {});
      expect(mine.status).toBe(0);
      expect(JSON.parse(mine.stdout)).toEqual({ domain: 'c1-n1', deleted: true });
      expect(virshCalls()).toMatch(/^-c \S+ undefine c1-n1/m);
      expect(existsSync(nodeDir)).toBe(false);
      expect(existsSync(path.join(storage, 'nodes'))).toBe(false); // emptied: removed
    },
  );
});
