// Flux's node scripts as the cluster sends them (components/flux/script.ts: prelude, stage library, lib.sh, script),
// run by bash against a stand-in `flux` in a stand-in installation prefix: what is left of Flux's own in each script
// — flux submit, jobs, cancel, job wait/stats, resource list, module stats — plugged into the stage library, printing
// what the normaliser and the cluster read. The stand-in answers as flux-core 0.88 does (`flux job stats`, the
// resource list lines and `flux version` recorded from `flux start --test-size=1` of /opt/flux).
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { FluxInstallInfo } from '../../../components/flux/cluster';
import { fluxNormaliser, SamplerOutput } from '../../../components/flux/normalise';
import { fluxScript } from '../../../components/flux/script';
import { renderPlan } from '../../../components/jobs/plan';
import type { JobSpec } from '../../../components/jobs/spec';
import { SubmitOutput, WaitOutput } from '../../../components/schedulers/contract';
import { standIn } from '../stages/bash';

let dir: string;
let prefix: string;

/** `flux job stats` of flux-core 0.88 with one job pending and two running. */
const JOB_STATS =
  '{"job_states":{"depend":0,"priority":0,"sched":1,"run":2,"cleanup":0,"inactive":3,"total":6},' +
  '"successful":2,"failed":1,"canceled":0,"timeout":0,"inactive_purged":0,"queues":[]}';

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-flux-scripts-'));
  prefix = path.join(dir, 'prefix');
  mkdirSync(path.join(prefix, 'lib', 'flux', 'modules'), { recursive: true });
  for (const m of ['sched-fluxion-qmanager', 'sched-fluxion-resource'])
    writeFileSync(path.join(prefix, 'lib', 'flux', 'modules', `${m}.so`), '');
  writeFileSync(path.join(prefix, 'lib', 'libfluxion-data.so.0.54.0'), '');
  // The queue file's `id name` lines are the active jobs; `flux jobs` fails while $DIR/down exists.
  standIn(
    path.join(prefix, 'bin'),
    'flux',
    `cmd="$1"; shift
echo "$cmd $*" >>"$DIR/flux-calls"
touch "$DIR/queue"
case "$cmd" in
  jobs)
    if [[ -e "$DIR/down" ]]; then echo "flux-jobs: ERROR: Unable to connect to Flux: broker socket not found" >&2; exit 1; fi
    cat "$DIR/queue" ;;
  cancel) for id in "$@"; do echo "$id" >>"$DIR/cancelled"; sed -i "/^$id /d" "$DIR/queue"; done ;;
  job)
    case "$1" in
      wait) [[ ! -e "$DIR/down" ]] || exit 1 ;;
      stats) echo '${JOB_STATS}' ;;
    esac ;;
  resource) printf '%s\\n' 'free|rank1/core1' 'allocated|rank0/core[0-1] rank1/core0' 'down|' ;;
  module) echo "{\\"module\\":\\"$2\\",\\"match\\":{\\"succeeded\\":{\\"njobs\\":4,\\"stats\\":{\\"max\\":0.002,\\"avg\\":0.001}}}}" ;;
  queue) echo "Job submission is enabled"; echo "Scheduling is started" ;;
  submit)
    copies=1
    for a in "$@"; do case "$a" in --cc=*) r="\${a#--cc=}"; copies=$(( \${r#*-} - \${r%-*} + 1 )) ;; esac; done
    for ((k = 0; k < copies; k++)); do
      n=$(( $(cat "$DIR/next-id" 2>/dev/null || echo 100) + 1 )); echo "$n" >"$DIR/next-id"; echo "fJob$n"
    done ;;
  version) printf 'commands:    \\t\\t0.88.0\\nlibflux-core:\\t\\t0.88.0\\n' ;;
  *) exit 1 ;;
esac`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, env: Record<string, string>, input = '') {
  return spawnSync('/bin/sh', ['-c', fluxScript(script)], {
    encoding: 'utf8',
    input,
    timeout: 60000,
    env: {
      PATH: String(process.env.PATH),
      SHLVL: '1',
      ROOT: path.join(dir, 'root'),
      FLUX_PREFIX: prefix,
      FLUX_URI: `local://${dir}/rank0/local`,
      DIR: dir,
      ...env,
    },
  });
}

const calls = (): string[] => readFileSync(path.join(dir, 'flux-calls'), 'utf8').trim().split('\n');
const PREFIX = '20261126T080000Z_0123456789ab.local.mixed-r1.';

describe('wait.sh', () => {
  it("blocks in flux job wait --all first, then ends when none of the run's jobs is left", () => {
    writeFileSync(path.join(dir, 'queue'), `fOther other-run.s0-0\n`);
    const r = run('wait.sh', { JOB_PREFIX: PREFIX, TIMEOUT_SECONDS: '30' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toEqual({ timedOut: false, waitedSeconds: 0 });
    expect(calls()).toEqual(['job wait --all', 'jobs -n -o {id.f58} {name}']);
  });

  it("on timeout flux-cancels the run's jobs only and lists them", () => {
    writeFileSync(
      path.join(dir, 'queue'),
      `fOther other-run.s0-0\nfJob8 ${PREFIX}s0-0\nfJob9 ${PREFIX}s1-0\n`,
    );
    const r = run('wait.sh', { JOB_PREFIX: PREFIX, TIMEOUT_SECONDS: '1', POLL_SECONDS: '0.2' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({
      timedOut: true,
      cancelled: ['fJob8', 'fJob9'],
    });
    expect(readFileSync(path.join(dir, 'cancelled'), 'utf8')).toBe('fJob8\nfJob9\n');
  });

  it('cancels nothing, and says so with an empty list, when the bound passes with no answer', () => {
    writeFileSync(path.join(dir, 'down'), '');
    const r = run('wait.sh', {
      JOB_PREFIX: PREFIX,
      TIMEOUT_SECONDS: '1',
      POLL_SECONDS: '0.2',
      CONTROLLER_GRACE_SECONDS: '30',
    });
    // The wait stage's document as the result writer reads it: an empty list, not [""] (the note says "none").
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({ timedOut: true, cancelled: [] });
    expect(existsSync(path.join(dir, 'cancelled'))).toBe(false);
  });

  it("says the instance is lost, with flux jobs' error, when rank 0 does not answer", () => {
    writeFileSync(path.join(dir, 'down'), '');
    const r = run('wait.sh', {
      JOB_PREFIX: PREFIX,
      TIMEOUT_SECONDS: '30',
      CONTROLLER_GRACE_SECONDS: '1',
      POLL_SECONDS: '0.2',
    });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({
      timedOut: false,
      schedulerLost: 'flux jobs: flux-jobs: ERROR: Unable to connect to Flux: broker socket not found',
    });
    expect(r.stderr).toContain('the Flux instance has not answered for 1s');
  });
});

describe('submit.sh', () => {
  const spec = (count: number, offsetSeconds: number, intervalSeconds: number, args: string[]): JobSpec => ({
    count,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal',
    cpus: 2,
    memoryMiB: 100,
    expectedSeconds: 3,
    kind: 'stress',
    args,
    arrival: { offsetSeconds, intervalSeconds },
  });

  it('submits a burst in one flux submit --cc and trickling jobs one by one, in arrival order', () => {
    const plan = renderPlan(
      [spec(3, 0, 0, ['--cpu', '2']), spec(2, 0.1, 0.2, ['--vm', '1']), spec(1, 0.05, 0, [])],
      1,
    );
    const r = run('submit.sh', { RUN_KEY: 'run1', JOB_PREFIX: PREFIX, PLAN: plan });
    expect(r.stderr).toBe('');
    const out = SubmitOutput.parse(JSON.parse(r.stdout));
    expect(out.jobs.map((j) => [j.id, j.specIndex, j.name])).toEqual([
      ['fJob101', 0, `${PREFIX}s0-0`],
      ['fJob102', 0, `${PREFIX}s0-1`],
      ['fJob103', 0, `${PREFIX}s0-2`],
      ['fJob104', 2, `${PREFIX}s2-0`],
      ['fJob105', 1, `${PREFIX}s1-0`],
      ['fJob106', 1, `${PREFIX}s1-1`],
    ]);
    const at = out.jobs.map((j) => j.submittedAt ?? 0);
    // The burst's jobs share one submit call; copy 1 of spec 1 goes 0.2 s after copy 0.
    expect(new Set(at.slice(0, 3)).size).toBe(1);
    expect((at[5] ?? 0) - (at[4] ?? 0)).toBeGreaterThanOrEqual(0.19);
    const submits = calls().filter((c) => c.startsWith('submit '));
    expect(submits).toHaveLength(4);
    expect(submits[0]).toContain(
      `--cc=0-2 --job-name=${PREFIX}s0-{cc} -N 1 -n 1 -c 2 -t 1m --urgency=16 -o cpu-affinity=off`,
    );
    // One task: the wrapper writes <id>.times, no task rank.
    expect(submits[0]).not.toContain('SCHEDBENCH_TASK_VAR');
    expect(submits[0]).toContain('--setattr=user.schedbench.memory_mib=100');
    expect(submits[0]).toContain('--flags=waitable');
    expect(submits[0]).toMatch(/job\.sh \S+\/jobs\/out\/run1 FLUX_JOB_ID stress --cpu 2$/);
    expect(submits[1]).toContain(`--job-name=${PREFIX}s2-0 -N 1`);
    expect(submits[1]).not.toContain('--cc');
    expect(submits[3]).toMatch(/--job-name=\S+s1-1 .*FLUX_JOB_ID stress --vm 1$/);
  });

  it('a job of several nodes: -N nodes, -n nodes × tasks per node, each task its CPUs and rank; priority as urgency', () => {
    const wide = (count: number, priority: JobSpec['priority']): JobSpec => ({
      ...spec(count, 0, 0, ['--cpu', '1']),
      nodes: 2,
      tasksPerNode: 2,
      cpus: 1,
      memoryMiB: 256,
      priority,
    });
    const plan = renderPlan([wide(2, 'high'), { ...wide(1, 'low'), nodes: 1, tasksPerNode: 1 }], 1);
    const r = run('submit.sh', { RUN_KEY: 'run1', JOB_PREFIX: PREFIX, PLAN: plan });
    expect(r.stderr).toBe('');
    expect(SubmitOutput.parse(JSON.parse(r.stdout)).jobs).toHaveLength(3);
    const [burst, single] = calls().filter((c) => c.startsWith('submit '));
    expect(burst).toContain(`--cc=0-1 --job-name=${PREFIX}s0-{cc} -N 2 -n 4 -c 1 -t 1m --urgency=24 `);
    // The memory attribute is per node, as the spec gives it; each task writes <id>@<FLUX_TASK_RANK>.times.
    expect(burst).toContain('--setattr=user.schedbench.memory_mib=256');
    expect(burst).toMatch(
      /--env-remove=\* --env=PATH --env=HOME --env=SCHEDBENCH_FLUX_ROOT --env=SCHEDBENCH_TASK_VAR=FLUX_TASK_RANK /,
    );
    expect(single).toContain(' -N 1 -n 1 -c 1 -t 1m --urgency=8 ');
    expect(single).not.toContain('SCHEDBENCH_TASK_VAR');
  });

  it('refuses a priority it does not know, naming it', () => {
    const plan = renderPlan([spec(1, 0, 0, [])], 1).replace(' normal ', ' urgent ');
    const r = run('submit.sh', { RUN_KEY: 'run1', JOB_PREFIX: PREFIX, PLAN: plan });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown priority urgent');
  });

  it('prints an empty list for an empty plan line', () => {
    const r = run('submit.sh', {
      RUN_KEY: 'run1',
      JOB_PREFIX: PREFIX,
      PLAN: '0 0 0 0 1 1 1 64 1 normal noop',
    });
    expect(SubmitOutput.parse(JSON.parse(r.stdout)).jobs).toEqual([]);
  });
});

describe('sampler-start.sh and sampler-stop.sh', () => {
  it('job counts, allocation and Fluxion snapshots, as the normaliser reads them', async () => {
    const samplerDir = path.join(dir, 'samplers', 'run1', 'scheduler');
    const env = {
      SAMPLER_DIR: samplerDir,
      INTERVAL_MS: '100',
      STATS_INTERVAL_SECONDS: '30',
      RANKS: 'fx-n1 fx-n2',
    };
    const start = run('sampler-start.sh', env);
    expect(start.stderr).toBe('');
    const { pid } = z.object({ pid: z.number(), startedAt: z.number() }).parse(JSON.parse(start.stdout));
    try {
      await new Promise((resolve) => setTimeout(resolve, 600));
      const stop = run('sampler-stop.sh', env);
      expect(stop.stderr).toBe('');
      const out = SamplerOutput.parse(JSON.parse(stop.stdout));
      if (!('samples' in out)) throw new Error('no samples');
      const samples = out.samples
        .trim()
        .split('\n')
        .map((l) => z.looseObject({ counts: z.string(), nodes: z.string() }).parse(JSON.parse(l)));
      expect(samples.length).toBeGreaterThanOrEqual(3);
      expect(samples[0]).toEqual({
        t: expect.any(Number),
        counts: '2 running, 2 completed, 1 failed, 1 pending, 0 inactive purged',
        nodes: 'free|rank1/core1;allocated|rank0/core[0-1] rank1/core0;down|',
      });
      // The resource list is asked once: the counts did not change and 10 s did not pass.
      expect(calls().filter((c) => c.startsWith('resource '))).toHaveLength(1);
      expect(out.stats.map((s) => s.phase)).toEqual(['after', 'before']);
      expect(out.stats[0]?.qmanager).toContain('"module":"sched-fluxion-qmanager"');
      expect(out.stats[0]?.queue).toContain('Scheduling is started');
      expect(out.ranks).toEqual(['fx-n1', 'fx-n2']);
      expect(existsSync(samplerDir)).toBe(false);

      const normalised = fluxNormaliser.normalise({
        submit: { startedAt: '2026-11-26T08:00:00Z', endedAt: '2026-11-26T08:00:01Z', jobs: [] },
        wait: { timedOut: false, waitedSeconds: 0 },
        collect: JSON.stringify({ jobs: '{"jobs":[]}', plan: '', metrics: {}, times: {} }),
        samplerStop: stop.stdout,
        nodeJobFiles: [],
      });
      expect(normalised.schedulerSamples[0]).toMatchObject({
        pending: 1,
        running: 2,
        nodes: [
          { node: 'fx-n1', state: 'allocated', allocatedCpus: 2, idleCpus: 0 },
          { node: 'fx-n2', state: 'mixed', allocatedCpus: 1, idleCpus: 1 },
        ],
      });
      expect(normalised.schedulerStats.map((s) => [s.phase, s.cycles])).toEqual([
        ['before', 4],
        ['after', 4],
      ]);
      // A second stop (a delete after a crash) prints the empty document, ranks and all.
      expect(JSON.parse(run('sampler-stop.sh', env).stdout)).toEqual({
        samples: '',
        stats: [],
        ranks: ['fx-n1', 'fx-n2'],
      });
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // stopped
      }
    }
  });
});

describe('install-check.sh', () => {
  beforeEach(() => {
    standIn(
      path.join(dir, 'bin'),
      'dpkg-query',
      `pkg="\${*: -1}"; touch "$DIR/installed"
if grep -qxF -- "$pkg" "$DIR/installed"; then case "$*" in *Status*) printf 'install ok installed' ;; *) printf '0.15.06-%s' "$pkg" ;; esac
else exit 1; fi`,
    );
    standIn(
      path.join(dir, 'bin'),
      'apt-get',
      `printf '%s\\n' "\${@:6}" >>"$DIR/installed"; echo "$*" >>"$DIR/apt-calls"`,
    );
  });
  const check = () =>
    spawnSync('/bin/sh', ['-c', fluxScript('install-check.sh')], {
      encoding: 'utf8',
      timeout: 60000,
      env: {
        PATH: `${path.join(dir, 'bin')}:${String(process.env.PATH)}`,
        SHLVL: '1',
        FLUX_PREFIX: prefix,
        DIR: dir,
        SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock'),
      },
    });

  it('installs the load tools under the apt lock and reports Flux, Fluxion, stress-ng and the machine', () => {
    const r = check();
    expect(r.status).toBe(0);
    const info = FluxInstallInfo.parse(JSON.parse(r.stdout));
    expect(info.packages).toEqual({
      'flux-core': '0.88.0',
      'flux-sched': '0.54.0',
      'stress-ng': '0.15.06-stress-ng',
    });
    expect(info.prefix).toBe(prefix);
    expect(Object.keys(JSON.parse(r.stdout) as object)).toEqual([
      'packages',
      'prefix',
      'os',
      'kernel',
      'host',
      'hostCpus',
    ]);
    expect(readFileSync(path.join(dir, 'apt-calls'), 'utf8')).toContain(
      'install -y --no-install-recommends stress-ng jq procps',
    );
    expect(existsSync(path.join(dir, 'lock', 'apt.lock'))).toBe(true);
    // Installed now: a second check installs nothing.
    expect(check().status).toBe(0);
    expect(readFileSync(path.join(dir, 'apt-calls'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('refuses a prefix without Fluxion, naming what is missing, and installs nothing', () => {
    rmSync(path.join(prefix, 'lib', 'flux', 'modules', 'sched-fluxion-resource.so'));
    const r = check();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `no Flux installation: missing the sched-fluxion-resource module (${prefix}/lib/flux/modules/sched-fluxion-resource.so)`,
    );
    expect(existsSync(path.join(dir, 'apt-calls'))).toBe(false);
  });
});

describe('configure.sh and stop.sh', () => {
  it('writes system.toml, the certificate (0600) and the job wrapper from stdin and the environment', () => {
    const r = run(
      'configure.sh',
      { NODE: 'fx-n1', SYSTEM_TOML: '[bootstrap]', JOB_SCRIPT_TEXT: '#!/bin/bash\n' },
      'curve\nsecret-key = "x"\n',
    );
    expect(JSON.parse(r.stdout)).toEqual({ node: 'fx-n1', root: path.join(dir, 'root'), configured: true });
    const cert = path.join(dir, 'root', 'etc', 'curve.cert');
    expect(statSync(cert).mode & 0o777).toBe(0o600);
    expect(readFileSync(cert, 'utf8')).toBe('curve\nsecret-key = "x"\n');
    expect(readFileSync(path.join(dir, 'root', 'etc', 'flux', 'system.toml'), 'utf8')).toBe('[bootstrap]\n');
    expect(statSync(path.join(dir, 'root', 'jobs', 'job.sh')).mode & 0o777).toBe(0o755);
  });

  it("on a node without a broker kills what carries the cluster's marker, and says the broker was absent", async () => {
    const root = path.join(dir, 'root');
    const leftover = spawn('sleep', ['60'], { env: { ...process.env, SCHEDBENCH_FLUX_ROOT: root } });
    const other = spawn('sleep', ['60'], { env: { ...process.env, SCHEDBENCH_FLUX_ROOT: `${root}-other` } });
    const exited = new Promise((resolve) => leftover.on('exit', (_code, signal) => resolve(signal)));
    try {
      const r = run('stop.sh', { NODE: 'fx-n1', RANK: '0', STOP_TIMEOUT: '1' });
      expect(JSON.parse(r.stdout)).toEqual({ node: 'fx-n1', broker: 'stopped', how: 'absent' });
      expect(await exited).toBe('SIGKILL');
      expect(other.exitCode).toBeNull();
    } finally {
      leftover.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });
});
