// The control plane's start stage (start-control-plane.sh, the product's command text) when the apiserver ends
// itself while starting — as it does when a bootstrap hook misses its deadline on a starved VM: it is started
// again, up to START_ATTEMPTS times, and the stage fails naming the daemon when every attempt ends the same way.
// Stand-ins play the daemons (long-running scripts whose process name is the daemon's) and kubectl (/readyz is ok
// once an apiserver incarnation has come up).
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { kubernetesScript } from '../../../components/kubernetes/script';
import { sshEnvironment } from '../../../components/nodes/ssh-env';
import { running } from '../../helpers/proc';

const DAEMON = '#!/bin/bash\nwhile :; do sleep 1; done\n';
/** Exits at once for its first $FAILS starts (counted in $STATE/starts), then marks itself up and stays. */
const APISERVER = `#!/bin/bash
n=$(( $(cat "$STATE/starts" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$STATE/starts"
if (( n <= FAILS )); then echo "bootstrap hook timed out" >&2; exit 255; fi
touch "$STATE/up"
while :; do sleep 1; done
`;
const KUBECTL = `#!/bin/bash
case "$*" in
  *"admin.conf get clusterrolebinding kubeadm:cluster-admins"*)
    [[ -f "$STATE/bound" ]] || { echo 'Error from server (Forbidden)' >&2; exit 1; } ;;
  *"super-admin.conf apply -f -"*) cat >/dev/null; touch "$STATE/bound"; echo apply >>"$STATE/super-calls" ;;
  *"get --raw /readyz"*) if [[ -f "$STATE/up" ]]; then echo ok; else exit 1; fi ;;
  *"version -o json"*) echo '{"serverVersion":{"gitVersion":"v1.37.2"}}' ;;
  *) cat >/dev/null 2>&1 || true ;;
esac
`;

describe('start-control-plane.sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'start-cp-'));
    mkdirSync(path.join(dir, 'bin'));
    mkdirSync(path.join(dir, 'state'));
    const stand = (name: string, text: string) => {
      writeFileSync(path.join(dir, 'bin', name), text);
      chmodSync(path.join(dir, 'bin', name), 0o755);
    };
    for (const d of ['etcd', 'kube-controller-manager', 'kube-scheduler']) stand(d, DAEMON);
    stand('kube-apiserver', APISERVER);
    stand('kubectl', KUBECTL);
    // What the pki stage made before: the super-admin kubeconfig that binds the admin group once.
    mkdirSync(path.join(dir, 'root', 'etc'), { recursive: true });
    writeFileSync(path.join(dir, 'root', 'etc', 'super-admin.conf'), 'system:masters credentials');
  });
  afterEach(() => {
    // Stop what the stage started, by its pid files.
    for (const d of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const pidFile = path.join(dir, 'root', 'control', `${d}.pid`);
      if (!existsSync(pidFile)) continue;
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function start(fails: number) {
    const r = spawnSync('bash', ['-c', kubernetesScript('start-control-plane.sh')], {
      env: {
        PATH: process.env.PATH ?? '',
        STATE: path.join(dir, 'state'),
        FAILS: String(fails),
        ...sshEnvironment({
          ROOT: path.join(dir, 'root'),
          BIN_DIR: dir,
          ETCD_ARGS: '--name=n1',
          APISERVER_ARGS: '--secure-port=6443',
          CONTROLLER_MANAGER_ARGS: '--leader-elect=false',
          SCHEDULER_ARGS: '--leader-elect=false',
          START_TIMEOUT: '20',
          START_ATTEMPTS: '3',
        }),
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const starts = Number(readFileSync(path.join(dir, 'state', 'starts'), 'utf8'));
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, starts };
  }

  it('starts an apiserver that ended itself while starting again, and comes up', () => {
    const r = start(2);
    expect(r.stderr).toContain('kube-apiserver exited while starting (attempt 1 of 3): starting again');
    expect(r.stderr).toContain('attempt 2 of 3');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ controlPlane: 'up', version: 'v1.37.2' });
    expect(r.starts).toBe(3);
  });

  it('binds the admin group with the super-admin kubeconfig once, then removes that kubeconfig (#29)', () => {
    const etc = path.join(dir, 'root', 'etc');
    expect(start(0).status).toBe(0);
    expect(readFileSync(path.join(dir, 'state', 'super-calls'), 'utf8')).toBe('apply\n');
    expect(existsSync(path.join(etc, 'super-admin.conf'))).toBe(false);
    // Started again (the binding exists): admin.conf suffices, nothing asks for the removed kubeconfig.
    for (const d of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const pid = Number(readFileSync(path.join(dir, 'root', 'control', `${d}.pid`), 'utf8'));
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
    const again = start(0);
    expect([again.status, again.stderr]).toEqual([0, expect.not.stringContaining('super-admin') as unknown]);
    expect(readFileSync(path.join(dir, 'state', 'super-calls'), 'utf8')).toBe('apply\n');
  });

  it('fails naming the daemon once every attempt ended the same way', () => {
    const r = start(5);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('kube-apiserver on');
    expect(r.stderr).toContain('exited while starting, 3 times');
    expect(r.stderr).toContain('bootstrap hook timed out');
    expect(r.starts).toBe(3);
  });
});
