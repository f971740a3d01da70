// A node's side of the pod network (components/kubernetes/scripts/lib.sh pod_network_up/down), which on the hosts
// backend is the host's own: forwarding saved and given back, routes added — never one replaced — and only the
// cluster's own bridge removed. Run by bash with a stand-in `ip` (routes and links in files) and /proc/sys.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runBash, standIn } from '../stages/bash';

const LIB = readFileSync(
  path.join(__dirname, '..', '..', '..', 'components', 'kubernetes', 'scripts', 'lib.sh'),
  'utf8',
);

/** ip: `route show exact C` greps $DIR/routes; `route add|del C via V` edits it; `link show|del B` uses $DIR/links. */
const IP = String.raw`
printf '%s\n' "$*" >>"$DIR/ip-calls"
touch "$DIR/routes" "$DIR/links"
case "$1 $2" in
  "route show") grep "^$4 " "$DIR/routes" || true ;;
  "route add") grep -q "^$3 " "$DIR/routes" && { echo 'RTNETLINK answers: File exists' >&2; exit 2; }; echo "$3 via $5 dev x" >>"$DIR/routes" ;;
  "route del") grep -q "^$3 via $5 " "$DIR/routes" || exit 2; grep -v "^$3 via $5 " "$DIR/routes" >"$DIR/r" || true; mv "$DIR/r" "$DIR/routes" ;;
  "link show") grep -qx "$3" "$DIR/links" ;;
  "link del") grep -vx "$3" "$DIR/links" >"$DIR/l" || true; mv "$DIR/l" "$DIR/links" ;;
  *) echo "ip stand-in: $*" >&2; exit 3 ;;
esac`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-podnet-'));
  mkdirSync(path.join(dir, 'sys', 'net', 'ipv4'), { recursive: true });
  mkdirSync(path.join(dir, 'node'));
  writeFileSync(path.join(dir, 'sys', 'net', 'ipv4', 'ip_forward'), '0\n');
  standIn(path.join(dir, 'bin'), 'ip', IP);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ROUTES = '10.244.1.0/24 10.70.0.3\n10.244.2.0/24 10.70.0.4';
const call = (fn: string) =>
  runBash(
    `${LIB}\n${fn}`,
    {
      DIR: dir,
      SYSCTL_ROOT: path.join(dir, 'sys'),
      NODE: 'k-n1',
      NODE_DIR: path.join(dir, 'node'),
      ROUTES,
      POD_BRIDGE: 'sbk0123abcd',
    },
    { bin: path.join(dir, 'bin') },
  );
const read = (f: string) => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : '');
const forward = () => read('sys/net/ipv4/ip_forward').trim();

describe('the pod network of a node', () => {
  it('up: forwarding on (its value saved, 0600), a route to each other node; down: all given back', () => {
    expect(call('pod_network_up').status).toBe(0);
    expect(forward()).toBe('1');
    expect(statSync(path.join(dir, 'node', 'ip_forward.saved')).mode & 0o777).toBe(0o600);
    expect(read('routes')).toBe('10.244.1.0/24 via 10.70.0.3 dev x\n10.244.2.0/24 via 10.70.0.4 dev x\n');
    // Idempotent: a second start finds its own routes and keeps the first saved value.
    expect(call('pod_network_up').status).toBe(0);
    expect(read('node/ip_forward.saved').trim()).toBe('0');
    writeFileSync(path.join(dir, 'links'), 'cni0\nsbk0123abcd\n');
    expect(call('pod_network_down').status).toBe(0);
    expect(forward()).toBe('0');
    expect(read('routes')).toBe('');
    expect(read('links')).toBe('cni0\n'); // another tool's bridge stays
    expect(existsSync(path.join(dir, 'node', 'ip_forward.saved'))).toBe(false);
  });

  it('refuses to take over a route another tool made to a pod CIDR, naming it, and replaces nothing', () => {
    writeFileSync(path.join(dir, 'routes'), '10.244.2.0/24 via 192.168.1.1 dev eth0\n');
    const r = call('pod_network_up');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'node k-n1 already has a route to 10.244.2.0/24 (10.244.2.0/24 via 192.168.1.1 dev eth0)',
    );
    expect(read('routes')).toContain('10.244.2.0/24 via 192.168.1.1 dev eth0');
    expect(read('ip-calls')).not.toMatch(/route (replace|change)/);
  });
});
