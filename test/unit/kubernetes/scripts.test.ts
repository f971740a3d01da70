// Kubernetes' run-stage and install scripts as the cluster sends them (components/kubernetes/script.ts: prelude,
// stage library, lib.sh, script), run by bash against a stand-in kubectl (and curl, dpkg-query, apt-get) on PATH:
// what is left of Kubernetes' own in each script — kubectl create of a List per burst, the Jobs' conditions, the
// deadline patch, the nodes' readiness, the pod watch, /metrics — plugged into the stage library, printing what the
// normaliser and the cluster component read.
import { spawn, spawnSync } from 'child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'fs';
import { hostname, tmpdir } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { renderPlan } from '../../../components/jobs/plan';
import type { JobSpec } from '../../../components/jobs/spec';
import { SamplerOutput } from '../../../components/kubernetes/normalise';
import { KubernetesInstallInfo } from '../../../components/kubernetes/parse';
import { renderJobTemplates } from '../../../components/kubernetes/render';
import { kubernetesScript } from '../../../components/kubernetes/script';
import { SamplerStarted, SubmitOutput, WaitOutput } from '../../../components/schedulers/contract';
import { running } from '../../helpers/proc';
import { standIn } from '../stages/bash';

/** A TokenRequest's token as the apiserver returns it: a JWT whose claims kube_env reads `exp` from. */
const TOKEN = ['{"alg":"RS256"}', JSON.stringify({ exp: 4102444800, sub: 'runner' }), 'signature']
  .map((part) => Buffer.from(part).toString('base64url'))
  .join('.');

/** The admin kubeconfig as `kubectl config view --raw --minify -o json` prints it. */
const ADMIN_CONFIG = JSON.stringify({
  clusters: [
    { name: 'c', cluster: { server: 'https://10.70.0.2:6443', 'certificate-authority-data': 'CA' } },
  ],
  contexts: [{ name: 'admin@c', context: { cluster: 'c', user: 'admin' } }],
  'current-context': 'admin@c',
  users: [{ name: 'admin', user: { 'client-key-data': 'ADMIN-KEY' } }],
});

/**
 * The stand-in kubectl: every call's arguments in $DIR/kubectl-calls. Jobs are `name conditions` lines of
 * $DIR/jobs (as the wait's jsonpath prints them: `sb-…-s0-0 Complete,`); nodes `name ready` lines of $DIR/nodes;
 * pods `pod job node phase` lines of $DIR/pods. While $DIR/down exists the apiserver does not answer.
 */
const KUBECTL = String.raw`
printf '%s\n' "$*" >>"$DIR/kubectl-calls"
refused() { echo "The connection to the server 10.70.0.2:6443 was refused - did you specify the right host or port?" >&2; exit 1; }
case "$*" in
  *"create token"*) [[ ! -e "$DIR/down" ]] || refused; echo "$TOKEN" ;;
  *"config view"*) echo "$ADMIN_CONFIG" ;;
  *"get namespace"*) echo "namespace/$3" ;;
  *"create --validate=strict -f - -o name"*)
    n=$(( $(cat "$DIR/creates" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$DIR/creates"
    cat >"$DIR/create-$n.json"
    # Names in $DIR/refuse are refused once each, with the error in $DIR/refuse-error (as the apiserver words it).
    refused_any=0
    while read -r name; do
      if grep -qx "$name" "$DIR/refuse" 2>/dev/null; then
        echo "Error from server (Conflict): error when creating \"STDIN\": $(cat "$DIR/refuse-error")" >&2
        grep -vx "$name" "$DIR/refuse" >"$DIR/refuse.new" || true; mv "$DIR/refuse.new" "$DIR/refuse"
        refused_any=1
      else
        echo "job.batch/$name"
      fi
    done < <(jq -r '.items[].metadata.name' "$DIR/create-$n.json")
    exit "$refused_any" ;;
  *"get jobs"*)
    [[ ! -e "$DIR/down" ]] || refused
    touch "$DIR/jobs"; cat "$DIR/jobs" ;;
  "patch job "*)
    printf '%s %s\n' "$5" "$*" >>"$DIR/patched"
    sed -i "s/^$5 .*/$5 Failed,/" "$DIR/jobs" ;;
  *"get nodes"*allocatable*) printf 'n1 2\nn2 2\n' ;;
  *"get nodes"*"-o json") echo '{"items":[{"metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","message":"kubelet is posting ready status"}]}},{"metadata":{"name":"n2"},"status":{"conditions":[{"type":"MemoryPressure","message":"x"},{"type":"Ready","message":"container runtime is down"}]}}]}' ;;
  *"get nodes"*) touch "$DIR/nodes"; cat "$DIR/nodes" ;;
  *"get pods"*"--watch"*)
    printf 'sb-r-s0-0-x1|Pending||1\nsb-r-s0-0-x1|Running|n1|1\nsb-r-s1-0-x2|Running|n2|2\n'
    echo "$$" >"$DIR/watch.pid"
    exec sleep 600 ;;
  *"get pods"*) touch "$DIR/pods"; cat "$DIR/pods" ;;
  *) echo "kubectl stand-in: unexpected call: $*" >&2; exit 2 ;;
esac`;

/** The stand-in curl: /metrics of the kube-scheduler, the apiserver and a kubelet, and the apiserver's nodes. */
const CURL = String.raw`
printf '%s\n' "$*" >>"$DIR/curl-calls"
for url; do :; done
case "$url" in
  https://127.0.0.1:10259/metrics) printf 'scheduler_pending_pods{queue="active"} 0\nscheduler_schedule_attempts_total{result="scheduled"} 7\nother_metric 1\nprocess_cpu_seconds_total 4.5\nprocess_resident_memory_bytes 5.24288e+07\n' ;;
  https://10.70.0.2:6443/metrics) printf 'apiserver_request_duration_seconds_sum{verb="GET",resource="jobs"} 1.5\napiserver_request_duration_seconds_count{verb="GET",resource="jobs"} 3\n' ;;
  # Real nodes only (an emulated one has no kubelet).
  "https://10.70.0.2:6443/api/v1/nodes?labelSelector=%21schedbench.io%2Femulated") echo '{"items":[{"status":{"addresses":[{"type":"InternalIP","address":"10.70.0.3"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}}}}]}' ;;
  https://10.70.0.3:10250/metrics) printf 'kubelet_pod_start_duration_seconds_count 2\n' ;;
  *) exit 7 ;;
esac`;

let dir: string;
let bin: string;
let root: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-k8s-scripts-'));
  // kube_env puts $BIN_DIR/bin first on PATH: the cluster's own kubectl.
  bin = path.join(dir, 'bin');
  root = path.join(dir, 'root');
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  writeFileSync(path.join(root, 'etc', 'admin.conf'), 'ADMIN-KUBECONFIG');
  standIn(bin, 'kubectl', KUBECTL);
  standIn(bin, 'curl', CURL);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RUN_LABEL = '23ec29fc1099';
const PREFIX = `sb-${RUN_LABEL}-`;

function run(script: string, env: Record<string, string> = {}) {
  return spawnSync('/bin/sh', ['-c', kubernetesScript(script)], {
    encoding: 'utf8',
    timeout: 60000,
    env: {
      PATH: `${bin}:${String(process.env.PATH)}`,
      SHLVL: '1',
      DIR: dir,
      TOKEN,
      ADMIN_CONFIG,
      ROOT: root,
      BIN_DIR: dir,
      NAMESPACE: 'schedbench',
      RUNNER_ACCOUNT: 'schedbench-runner',
      RUNNER_TOKEN_SECONDS: '600',
      RUN_LABEL,
      ...env,
    },
  });
}

const read = (file: string): string => readFileSync(path.join(dir, file), 'utf8');
const lines = (file: string): string[] => read(file).trim().split('\n');

describe('the runner account (lib.sh kube_env, as every run stage starts)', () => {
  it('mints its token with the admin kubeconfig into a 0600 kubeconfig the stages use, once while it lasts', () => {
    writeFileSync(path.join(dir, 'jobs'), '');
    expect(run('wait.sh', { TIMEOUT_SECONDS: '5' }).status).toBe(0);
    const conf = path.join(root, 'etc', 'runner.conf');
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    const config = z
      .looseObject({
        users: z.array(z.object({ name: z.string(), user: z.object({ token: z.string() }) })),
        contexts: z.array(z.object({ context: z.object({ user: z.string(), namespace: z.string() }) })),
      })
      .parse(JSON.parse(readFileSync(conf, 'utf8')));
    expect(config.users).toEqual([{ name: 'runner', user: { token: TOKEN } }]);
    expect(config.contexts[0]?.context).toMatchObject({ user: 'runner', namespace: 'schedbench' });
    expect(readFileSync(`${conf}.expires`, 'utf8').trim()).toBe('4102444800');
    expect(run('wait.sh', { TIMEOUT_SECONDS: '5' }).status).toBe(0);
    expect(lines('kubectl-calls').filter((c) => c.includes('create token'))).toEqual([
      `--kubeconfig ${root}/etc/admin.conf --request-timeout=10s create token schedbench-runner -n schedbench --duration 1200s`,
    ]);
  });

  it('never puts the token on a command line (world-readable in /proc/<pid>/cmdline)', () => {
    // jq, as every external command the stage runs, logs its argv before it does its work.
    const jq = spawnSync('bash', ['-c', 'command -v jq'], { encoding: 'utf8' }).stdout.trim();
    standIn(bin, 'jq', `printf '%s\\n' "$*" >>"$DIR/jq-calls"\nexec ${jq} "$@"`);
    writeFileSync(path.join(dir, 'jobs'), '');
    expect(run('wait.sh', { TIMEOUT_SECONDS: '5' }).status).toBe(0);
    expect(read('jq-calls')).not.toContain(TOKEN);
    expect(read('jq-calls')).toContain('input as $token'); // the kubeconfig was made by jq, from stdin
    expect(readFileSync(path.join(root, 'etc', 'runner.conf'), 'utf8')).toContain(TOKEN);
    for (const call of lines('kubectl-calls')) expect(call).not.toContain(TOKEN);
  });
});

describe('submit.sh', () => {
  const spec = (count: number, offsetSeconds: number, intervalSeconds: number, cpus: number): JobSpec => ({
    count,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal',
    cpus,
    memoryMiB: 64,
    expectedSeconds: 3,
    kind: 'stress',
    args: ['--cpu', String(cpus)],
    arrival: { offsetSeconds, intervalSeconds },
  });
  const templates = (specs: JobSpec[]) =>
    JSON.stringify(
      renderJobTemplates(specs, {
        image: 'schedbench.local/stress-ng:bookworm',
        runLabel: RUN_LABEL,
        jobFilesDir: '/x/jobs/out/r',
        timeoutFactor: 3,
      }),
    );
  const Created = z.object({
    kind: z.literal('List'),
    items: z.array(
      z.looseObject({
        metadata: z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()) }),
      }),
    ),
  });
  const created = (n: number) => Created.parse(JSON.parse(read(`create-${n}.json`)));

  it('creates a burst in one kubectl create of a List, trickled copies one by one at their offsets', () => {
    // Spec 0: two copies 0.3 s apart; spec 1: three copies at once, 0.1 s in.
    const specs = [spec(2, 0, 0.3, 1), spec(3, 0.1, 0, 2)];
    const r = run('submit.sh', {
      JOB_PREFIX: PREFIX,
      PLAN: renderPlan(specs, 3),
      JOB_TEMPLATES: templates(specs),
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const out = SubmitOutput.parse(JSON.parse(r.stdout));
    expect(out.jobs.map((j) => [j.id, j.specIndex, j.name])).toEqual([
      [`${PREFIX}s0-0`, 0, `${PREFIX}s0-0`],
      [`${PREFIX}s1-0`, 1, `${PREFIX}s1-0`],
      [`${PREFIX}s1-1`, 1, `${PREFIX}s1-1`],
      [`${PREFIX}s1-2`, 1, `${PREFIX}s1-2`],
      [`${PREFIX}s0-1`, 0, `${PREFIX}s0-1`],
    ]);
    // Three creates: spec 0's first copy, spec 1's burst, spec 0's second copy 0.3 s after the window opened.
    expect(read('creates').trim()).toBe('3');
    expect(created(2).items.map((i) => i.metadata.name)).toEqual([
      `${PREFIX}s1-0`,
      `${PREFIX}s1-1`,
      `${PREFIX}s1-2`,
    ]);
    expect(created(2).items[0]?.metadata.labels).toEqual({
      'schedbench.io/run': RUN_LABEL,
      'schedbench.io/spec': '1',
    });
    expect(created(3).items.map((i) => i.metadata.name)).toEqual([`${PREFIX}s0-1`]);
    // A burst's jobs share its submit time; the trickled copy follows at its offset from the window's opening.
    const times = out.jobs.map((j) => j.submittedAt ?? 0);
    expect(new Set(times.slice(1, 4)).size).toBe(1);
    expect((times[4] ?? 0) - Date.parse(out.startedAt) / 1000).toBeGreaterThanOrEqual(0.3);
    // The namespace checked first; the apiserver validates every object strictly.
    const calls = lines('kubectl-calls').filter((c) => !c.includes('--kubeconfig'));
    expect(calls[0]).toBe('get namespace schedbench');
    expect(calls.filter((c) => c.startsWith('create'))).toEqual(
      Array(3).fill('create --validate=strict -f - -o name'),
    );
  });

  const QUOTA_CONFLICT =
    'Operation cannot be fulfilled on resourcequotas "schedbench-object-count": the object has been modified; please apply your changes to the latest version and try again';

  it('creates again only the Jobs that lost a ResourceQuota update race, and says so', () => {
    const specs = [spec(4, 0, 0, 1)];
    writeFileSync(path.join(dir, 'refuse'), `${PREFIX}s0-1\n${PREFIX}s0-3\n`);
    writeFileSync(path.join(dir, 'refuse-error'), QUOTA_CONFLICT);
    const r = run('submit.sh', {
      JOB_PREFIX: PREFIX,
      PLAN: renderPlan(specs, 3),
      JOB_TEMPLATES: templates(specs),
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      '2 Jobs of spec 0 lost a ResourceQuota update race; creating them again (attempt 2)',
    );
    const out = SubmitOutput.parse(JSON.parse(r.stdout));
    expect(out.jobs.map((j) => j.id)).toEqual([0, 1, 2, 3].map((k) => `${PREFIX}s0-${k}`));
    expect(read('creates').trim()).toBe('2');
    expect(created(2).items.map((i) => i.metadata.name)).toEqual([`${PREFIX}s0-1`, `${PREFIX}s0-3`]);
  });

  it("fails on any other refusal, with the apiserver's words, and creates nothing again", () => {
    const specs = [spec(2, 0, 0, 1)];
    writeFileSync(path.join(dir, 'refuse'), `${PREFIX}s0-0\n`);
    writeFileSync(path.join(dir, 'refuse-error'), 'admission webhook denied the request: no');
    const r = run('submit.sh', {
      JOB_PREFIX: PREFIX,
      PLAN: renderPlan(specs, 3),
      JOB_TEMPLATES: templates(specs),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('admission webhook denied the request: no');
    expect(r.stderr).toContain('1 of 2 Jobs of spec 0 were refused');
    expect(read('creates').trim()).toBe('1');
  });

  it('refuses a plan line whose spec has no Job template, naming the spec', () => {
    const specs = [spec(1, 0, 0, 1), spec(1, 0, 0, 1)];
    const r = run('submit.sh', {
      JOB_PREFIX: PREFIX,
      PLAN: renderPlan(specs, 3),
      JOB_TEMPLATES: templates(specs.slice(0, 1)),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('JOB_TEMPLATES has no Job for spec 1');
  });
});

describe('wait.sh', () => {
  it('ends at once when every Job of the run is Complete or Failed', () => {
    writeFileSync(
      path.join(dir, 'jobs'),
      `${PREFIX}s0-0 Complete,\n${PREFIX}s0-1 SuccessCriteriaMet,Failed,\n`,
    );
    const r = run('wait.sh', { TIMEOUT_SECONDS: '30' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toEqual({ timedOut: false, waitedSeconds: 0 });
    expect(read('kubectl-calls')).toContain(
      `get jobs --request-timeout=10s -n schedbench -l schedbench.io/run=${RUN_LABEL} -o jsonpath=`,
    );
  });

  it('on timeout ends the Jobs left through their deadline, and waits for them to fail', () => {
    writeFileSync(path.join(dir, 'jobs'), `${PREFIX}s0-0 Complete,\n${PREFIX}s0-1 \n${PREFIX}s1-0 \n`);
    const r = run('wait.sh', { TIMEOUT_SECONDS: '1', POLL_SECONDS: '0.2' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({
      timedOut: true,
      cancelled: [`${PREFIX}s0-1`, `${PREFIX}s1-0`],
    });
    expect(lines('patched')).toEqual(
      [`${PREFIX}s0-1`, `${PREFIX}s1-0`].map(
        (name) =>
          `${name} patch job -n schedbench ${name} --type=merge -p {"spec":{"activeDeadlineSeconds":1}}`,
      ),
    );
    expect(r.stderr).toContain('timeout after 1s: cancelling 2 job(s)');
  });

  it("says the scheduler is lost, with kubectl's error and the control-plane daemons gone, when the apiserver does not answer", () => {
    // The runner's token minted while the apiserver answered.
    writeFileSync(path.join(dir, 'jobs'), '');
    expect(run('wait.sh', { TIMEOUT_SECONDS: '5' }).status).toBe(0);
    writeFileSync(path.join(dir, 'down'), '');
    // etcd runs (a process of that name, in its pid file); the other three daemons' pid files are missing.
    mkdirSync(path.join(root, 'control'));
    copyFileSync('/bin/sleep', path.join(dir, 'etcd'));
    const etcd = spawn(path.join(dir, 'etcd'), ['60'], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(root, 'control', 'etcd.pid'), `${etcd.pid ?? 0}\n`);
      const r = run('wait.sh', { TIMEOUT_SECONDS: '30', CONTROLLER_GRACE_SECONDS: '1', POLL_SECONDS: '0.2' });
      expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({
        timedOut: false,
        schedulerLost: `kubectl get jobs: The connection to the server 10.70.0.2:6443 was refused - did you specify the right host or port?; not running on ${hostname()}: kube-apiserver, kube-controller-manager, kube-scheduler`,
      });
      expect(r.stderr).toContain('the apiserver has not answered for 1s');
    } finally {
      etcd.kill('SIGKILL');
    }
  });

  it('stops waiting, naming the nodes, when every Job left is stranded on a node that is not Ready', () => {
    writeFileSync(path.join(dir, 'jobs'), `${PREFIX}s0-0 Complete,\n${PREFIX}s0-1 \n`);
    writeFileSync(path.join(dir, 'nodes'), 'n1 True\nn2 Unknown\n');
    writeFileSync(
      path.join(dir, 'pods'),
      `${PREFIX}s0-0-a ${PREFIX}s0-0 n1 Succeeded\n${PREFIX}s0-1-b ${PREFIX}s0-1 n2 Running\n`,
    );
    const r = run('wait.sh', { TIMEOUT_SECONDS: '30', NODE_CHECK_SECONDS: '0', POLL_SECONDS: '0.2' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({
      timedOut: false,
      lostNodes: ['n2'],
      // What was lost, as the apiserver says it: only the lost node's.
      lostNodeReasons: { n2: 'container runtime is down' },
    });
    expect(existsSync(path.join(dir, 'patched'))).toBe(false);
  });
});

describe('collect.sh', () => {
  it('with the apiserver gone: keeps the token it holds, collects what there is within its bound, says so', () => {
    writeFileSync(path.join(dir, 'jobs'), '');
    expect(run('wait.sh', { TIMEOUT_SECONDS: '5' }).status).toBe(0);
    writeFileSync(path.join(dir, 'down'), '');
    const outDir = path.join(dir, 'out');
    mkdirSync(outDir);
    // A stage bound longer than the token has left: kube_env asks for a new one, which nobody answers.
    const r = run('collect.sh', {
      OUT_DIR: outDir,
      COLLECT_TIMEOUT: '60',
      RUNNER_TOKEN_SECONDS: String(4102444800),
    });
    expect([r.status, JSON.parse(r.stdout).objects]).toEqual([0, { jobs: [], pods: [] }]);
    expect(r.stderr).toMatch(/no new token for schedbench\/schedbench-runner; the one held lasts \d+ s more/);
    expect(r.stderr).toMatch(/the apiserver has not answered for 1\d s; collecting what there is/);
    expect(r.stderr).toContain('kubectl get jobs,pods: The connection to the server');
    expect(existsSync(outDir)).toBe(false);
  });

  it('without a token still valid, fails naming the ServiceAccount', () => {
    writeFileSync(path.join(dir, 'down'), '');
    const r = run('collect.sh', { OUT_DIR: path.join(dir, 'out') });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /no token for the ServiceAccount schedbench\/schedbench-runner .*does the apiserver answer/,
    );
  });
});

describe('sampler-start.sh and sampler-stop.sh', () => {
  it("the run's pods from one watch every interval, /metrics snapshots before and after, as the normaliser reads them", async () => {
    const samplerDir = path.join(dir, 'samplers', 'run1', 'scheduler');
    const env = {
      SAMPLER_DIR: samplerDir,
      INTERVAL_MS: '100',
      STATS_INTERVAL_SECONDS: '30',
      SCHEDULER_METRICS_URL: 'https://127.0.0.1:10259/metrics',
    };
    const before = Date.now() / 1000;
    const start = run('sampler-start.sh', env);
    expect([start.status, start.stderr]).toEqual([0, '']);
    const started = SamplerStarted.parse(JSON.parse(start.stdout));
    const pid = z.number().parse(started.pid);
    const watcher = () => Number(read('watch.pid'));
    try {
      expect(started.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('kubernetes-sampler');
      await new Promise((resolve) => setTimeout(resolve, 600));
      // One watch, as the runner account, however many samples.
      expect(lines('kubectl-calls').filter((c) => c.includes('--watch'))).toEqual([
        `--kubeconfig ${root}/etc/runner.conf get pods -n schedbench -l schedbench.io/run=${RUN_LABEL} --watch -o jsonpath={.metadata.name}{"|"}{.status.phase}{"|"}{.spec.nodeName}{"|"}{.spec.containers[0].resources.requests.cpu}{"\\n"}`,
      ]);
      expect(running(watcher())).toBe(true);

      const stop = run('sampler-stop.sh', env);
      expect([stop.status, stop.stderr]).toEqual([0, '']);
      const out = SamplerOutput.parse(JSON.parse(stop.stdout));
      if (!('samples' in out)) throw new Error('no samples');
      const samples = out.samples
        .trim()
        .split('\n')
        .map((l) => z.object({ t: z.number(), pods: z.string() }).parse(JSON.parse(l)));
      expect(samples.length).toBeGreaterThanOrEqual(3);
      // Each pod as the watch last reported it.
      expect(samples.at(-1)?.pods.trim().split('\n').sort()).toEqual(['Running n1 1', 'Running n2 2']);
      expect(out.nodes).toBe('n1 2\nn2 2\n');
      expect(out.stats.map((s) => s.phase)).toEqual(['after', 'before']);
      for (const s of out.stats) {
        expect(s.scheduler).toBe(
          'scheduler_pending_pods{queue="active"} 0\nscheduler_schedule_attempts_total{result="scheduled"} 7\nprocess_cpu_seconds_total 4.5\nprocess_resident_memory_bytes 5.24288e+07',
        );
        expect(s.apiserver).toBe(
          'apiserver_request_duration_seconds_count{verb="GET"} 3.000000000\napiserver_request_duration_seconds_sum{verb="GET"} 1.500000000',
        );
        expect(s.kubelets.trim()).toBe('kubelet_pod_start_duration_seconds_count 2');
      }
      expect(existsSync(samplerDir)).toBe(false);
      // The token goes only where the cluster CA vouches for the server: the apiserver and the kubelets alike.
      const withToken = readFileSync(path.join(dir, 'curl-calls'), 'utf8')
        .split('\n')
        .filter((c) => / -K /.test(c));
      expect(withToken.some((c) => c.endsWith('https://10.70.0.3:10250/metrics'))).toBe(true);
      for (const call of withToken) expect(call).toMatch(/ --cacert \S+\/pki\/ca\.crt https:\/\/\S+$/);
      // The loop's exit ended the watch and its kubectl.
      await until(() => !running(watcher()), 5000, 'the pod watch to end');
      // A second stop (a delete after a crash) prints the empty document.
      expect(JSON.parse(run('sampler-stop.sh', env).stdout)).toEqual({ samples: '', nodes: '', stats: [] });
    } finally {
      for (const p of [pid, existsSync(path.join(dir, 'watch.pid')) ? watcher() : 0])
        if (p > 0 && running(p)) process.kill(p, 'SIGKILL');
    }
  });
});

describe('install.sh', () => {
  it("installs what dpkg does not have under the apt lock (in root's lock directory), and reports the node", () => {
    standIn(
      bin,
      'dpkg-query',
      `pkg="\${*: -1}"; touch "$DIR/installed"
if grep -qxF -- "$pkg" "$DIR/installed"; then case "$*" in *Status*) printf 'install ok installed' ;; *) printf '1.1.1+ds1-3+b5' ;; esac
else exit 1; fi`,
    );
    standIn(bin, 'apt-get', `printf '%s\\n' "\${@:6}" >>"$DIR/installed"; echo "$*" >>"$DIR/apt-calls"`);
    const binaries =
      'kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kubeadm etcd etcdctl';
    for (const b of [...binaries.split(' '), 'containerd', 'containerd-shim-runc-v2', 'ctr', 'runc'])
      if (!existsSync(path.join(bin, b))) standIn(bin, b, 'exit 0');
    const cni = path.join(dir, 'cni');
    for (const p of ['bridge', 'host-local', 'loopback']) standIn(cni, p, 'exit 0');
    const versions = { kubernetes: 'v1.37.2', etcd: 'v3.7.3', containerd: 'v2.4.2', runc: 'v1.5.3' };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ versions, go: 'go1.26.8' }));
    const images = {
      pause: { ref: 'registry.k8s.io/pause:3.10.2', digest: 'sha256:aa', archive: 'pause.tar' },
      workload: {
        ref: 'schedbench.local/stress-ng:bookworm',
        digest: 'sha256:bb',
        archive: 'w.tar',
        stressNg: '0.15',
      },
    };
    mkdirSync(path.join(dir, 'images'));
    writeFileSync(path.join(dir, 'images', 'images.json'), JSON.stringify(images));
    const env = {
      IMAGES_DIR: path.join(dir, 'images'),
      PACKAGES: 'containernetworking-plugins curl jq',
      SHARES_HOST: '1',
      CNI_BIN_DIR: cni,
      SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock'),
    };
    const r = run('install.sh', env);
    expect([r.status, r.stderr]).toEqual([0, 'install.sh: installing containernetworking-plugins curl jq\n']);
    const info = KubernetesInstallInfo.parse(JSON.parse(r.stdout));
    const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length;
    expect(info).toMatchObject({ cni: '1.1.1+ds1-3+b5', versions, go: 'go1.26.8', images });
    expect(info.facts).toMatchObject({
      cpus,
      cgroupVersion: existsSync('/sys/fs/cgroup/cgroup.controllers') ? 2 : 1,
    });
    // Keys in the order the stage always printed them: the facts, the machine's, then the versions.
    expect(Object.keys(JSON.parse(r.stdout) as object)).toEqual([
      'facts',
      'os',
      'kernel',
      'host',
      'hostCpus',
      'cni',
      'versions',
      'go',
      'images',
    ]);
    expect(read('apt-calls')).toContain(
      'install -y --no-install-recommends containernetworking-plugins curl jq',
    );
    expect(statSync(path.join(dir, 'lock', 'apt.lock')).isFile()).toBe(true);

    // Everything there: nothing installed, no lock taken; a machine of its own reports the root cgroup.
    rmSync(path.join(dir, 'lock'), { recursive: true });
    const again = run('install.sh', { ...env, SHARES_HOST: '0' });
    expect([again.status, again.stderr]).toEqual([0, '']);
    expect(KubernetesInstallInfo.parse(JSON.parse(again.stdout)).facts.cgroup).toBe('/');
    expect(lines('apt-calls')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it('fails naming what is missing: a binary of the build, a CNI plugin', () => {
    standIn(bin, 'dpkg-query', `printf 'install ok installed'`);
    const r = run('install.sh', {
      IMAGES_DIR: path.join(dir, 'images'),
      PACKAGES: 'jq',
      SHARES_HOST: '1',
      CNI_BIN_DIR: path.join(dir, 'cni'),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`kubernetes install: kube-apiserver missing in ${bin}`);
  });
});

/** Resolves when check() holds, polling every 20 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
