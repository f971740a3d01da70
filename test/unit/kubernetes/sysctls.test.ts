// The host-wide kernel settings a kubelet changes when it starts (components/kubernetes/scripts/lib.sh): saved by
// the first kubelet to start where none runs, restored by the last to stop. Run by bash over a stand-in /proc/sys
// (SYSCTL_ROOT) and lock directory, with a stand-in pgrep that says whether a kubelet runs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runBash, standIn } from '../stages/bash';

const LIB = readFileSync(
  path.join(__dirname, '..', '..', '..', 'components', 'kubernetes', 'scripts', 'lib.sh'),
  'utf8',
);
const HOST: Record<string, string> = {
  'vm/overcommit_memory': '0',
  'vm/panic_on_oom': '0',
  'kernel/panic': '0',
  'kernel/panic_on_oops': '0',
  'kernel/keys/root_maxkeys': '200',
  'kernel/keys/root_maxbytes': '20000',
};
const KUBELET: Record<string, string> = {
  'vm/overcommit_memory': '1',
  'vm/panic_on_oom': '0',
  'kernel/panic': '10',
  'kernel/panic_on_oops': '1',
  'kernel/keys/root_maxkeys': '1000000',
  'kernel/keys/root_maxbytes': '25000000',
};

let dir: string;
const sys = () => path.join(dir, 'sys');
const locks = () => path.join(dir, 'lock');
const bin = () => path.join(dir, 'bin');
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-sysctl-'));
  for (const [name, value] of Object.entries(HOST)) {
    mkdirSync(path.dirname(path.join(sys(), name)), { recursive: true });
    writeFileSync(path.join(sys(), name), `${value}\n`);
  }
  // pgrep -x kubelet: a kubelet runs while $DIR/kubelet-running exists.
  standIn(bin(), 'pgrep', '[[ -e "$DIR/kubelet-running" ]]');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const call = (fn: string) =>
  runBash(`${LIB}\n${fn}`, { SYSCTL_ROOT: sys(), SCHEDBENCH_LOCK_DIR: locks(), DIR: dir }, { bin: bin() });
const kernel = () =>
  Object.fromEntries(Object.keys(HOST).map((n) => [n, readFileSync(path.join(sys(), n), 'utf8').trim()]));
const kubeletSets = () => {
  for (const [name, value] of Object.entries(KUBELET)) writeFileSync(path.join(sys(), name), `${value}\n`);
};
const saved = () => path.join(locks(), 'kubelet-sysctls.saved');

describe('the host kernel settings kubelets change', () => {
  it('saved (0600) before the first kubelet, given back when the last one stops, the record removed', () => {
    expect(call('save_host_sysctls').status).toBe(0);
    expect(statSync(saved()).mode & 0o777).toBe(0o600);
    kubeletSets();
    writeFileSync(path.join(dir, 'kubelet-running'), '');
    // A second kubelet starts (the values are already the kubelet's): the first record stands.
    expect(call('save_host_sysctls').status).toBe(0);
    // One of two stops: the other still runs, nothing restored yet.
    expect(call('restore_host_sysctls').status).toBe(0);
    expect(kernel()).toEqual(KUBELET);
    rmSync(path.join(dir, 'kubelet-running'));
    expect(call('restore_host_sysctls').status).toBe(0);
    expect(kernel()).toEqual(HOST);
    expect(existsSync(saved())).toBe(false);
  });

  it('a kubelet that was running before ours: nothing recorded, nothing restored', () => {
    kubeletSets();
    writeFileSync(path.join(dir, 'kubelet-running'), '');
    expect(call('save_host_sysctls').status).toBe(0);
    expect(existsSync(saved())).toBe(false);
    rmSync(path.join(dir, 'kubelet-running'));
    expect(call('restore_host_sysctls').status).toBe(0);
    expect(kernel()).toEqual(KUBELET);
  });

  it('a record naming another setting or a non-number is not written to the kernel', () => {
    expect(call('save_host_sysctls').status).toBe(0);
    writeFileSync(
      saved(),
      'kernel/panic 0\nkernel/core_pattern |/tmp/evil\nvm/overcommit_memory 1;reboot\n',
      { mode: 0o600 },
    );
    kubeletSets();
    const r = call('restore_host_sysctls');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("ignoring 'kernel/core_pattern |/tmp/evil'");
    expect(kernel()['kernel/panic']).toBe('0');
    expect(kernel()['vm/overcommit_memory']).toBe('1');
    expect(existsSync(path.join(sys(), 'kernel', 'core_pattern'))).toBe(false);
  });
});
