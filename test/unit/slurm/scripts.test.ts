// SLURM's run-stage scripts as the run loop sends them (components/slurm/script.ts: prelude, stage library, lib.sh,
// script), run by bash against stand-in SLURM commands on PATH: what is left of SLURM's own in each script — squeue,
// scancel, sbatch, sinfo, sdiag, dpkg — plugged into the stage library, printing what the normaliser reads.
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { SubmitOutput, WaitOutput } from '../../../components/schedulers/contract';
import { InstallInfo } from '../../../components/schedulers/stages';
import { renderPlan } from '../../../components/jobs/plan';
import type { JobSpec } from '../../../components/jobs/spec';
import { SamplerOutput } from '../../../components/slurm/normalise';
import { slurmScript, TASKS_SCRIPT } from '../../../components/slurm/script';
import { JOB_WRAPPER } from '../../../components/jobs/wrapper';
import { standIn } from '../stages/bash';

let dir: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-slurm-scripts-'));
  bin = path.join(dir, 'bin');
  // squeue: the queue file's `id|name|state` lines (-o '%i|%j' or '%i|%t'); fails while $DIR/down exists.
  standIn(
    bin,
    'squeue',
    `if [[ -e "$DIR/down" ]]; then echo "squeue: error: Unable to contact slurm controller (connect failure)" >&2; exit 1; fi
echo x >>"$DIR/squeue-calls"
touch "$DIR/queue"
while IFS='|' read -r id name state; do
  case "$*" in *%j*) echo "$id|$name" ;; *) echo "$id|$state" ;; esac
done <"$DIR/queue"`,
  );
  standIn(
    bin,
    'scancel',
    `printf '%s\\n' "$@" >>"$DIR/scancelled"\nfor id in "$@"; do sed -i "/^$id|/d" "$DIR/queue"; done`,
  );
  standIn(
    bin,
    'sbatch',
    `n=$(( $(cat "$DIR/next-id" 2>/dev/null || echo 100) + 1 )); echo "$n" >"$DIR/next-id"
printf '%s\\n' "$*" >>"$DIR/sbatch-calls"
printf '%s\\n' "\${SCHEDBENCH_NODE_VAR:-unset} \${SLURM_GET_USER_ENV:-unset}" >>"$DIR/sbatch-env"
echo "$n;cluster"`,
  );
  standIn(bin, 'sinfo', `echo "n1|idle|0/2/0/2"; echo "n2|mixed|1/1/0/2"`);
  standIn(
    bin,
    'sdiag',
    `[[ "\${1:-}" != -r ]] || { echo reset >>"$DIR/sdiag-reset"; exit 0; }\necho "Main schedule statistics (microseconds):"\necho "	Total cycles:   7"`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, env: Record<string, string>) {
  return spawnSync('/bin/sh', ['-c', slurmScript(script)], {
    encoding: 'utf8',
    timeout: 60000,
    env: {
      PATH: `${bin}:${String(process.env.PATH)}`,
      SHLVL: '1',
      ROOT: path.join(dir, 'root'),
      DIR: dir,
      ...env,
    },
  });
}

const PREFIX = '20261126T080000Z_0123456789ab.local.mixed-r1.';

describe('wait.sh', () => {
  it("ends when none of the run's jobs is left, whatever other jobs are queued", () => {
    writeFileSync(path.join(dir, 'queue'), `7|other-run.s0-0|R\n`);
    const r = run('wait.sh', { JOB_PREFIX: PREFIX, TIMEOUT_SECONDS: '30' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toEqual({ timedOut: false, waitedSeconds: 0 });
  });

  it("on timeout scancels the run's jobs only", () => {
    writeFileSync(path.join(dir, 'queue'), `7|other-run.s0-0|R\n8|${PREFIX}s0-0|R\n9|${PREFIX}s1-0|PD\n`);
    const r = run('wait.sh', { JOB_PREFIX: PREFIX, TIMEOUT_SECONDS: '1', POLL_SECONDS: '0.2' });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({ timedOut: true, cancelled: ['8', '9'] });
    expect(readFileSync(path.join(dir, 'scancelled'), 'utf8')).toBe('8\n9\n');
  });

  it("says the scheduler is lost, with squeue's error, when slurmctld does not answer", () => {
    writeFileSync(path.join(dir, 'down'), '');
    const r = run('wait.sh', {
      JOB_PREFIX: PREFIX,
      TIMEOUT_SECONDS: '30',
      CONTROLLER_GRACE_SECONDS: '1',
      POLL_SECONDS: '0.2',
    });
    expect(WaitOutput.parse(JSON.parse(r.stdout))).toMatchObject({
      timedOut: false,
      schedulerLost: 'squeue: squeue: error: Unable to contact slurm controller (connect failure)',
    });
    expect(r.stderr).toContain('slurmctld has not answered for 1s');
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

  it('submits one sbatch per job in arrival order, named by spec and copy, with the spec resources', () => {
    const plan = renderPlan([spec(2, 0, 0.2, ['--cpu', '2']), spec(1, 0.1, 0, ['--vm', '1'])], 1);
    const r = run('submit.sh', { RUN_KEY: 'run1', JOB_PREFIX: PREFIX, PLAN: plan, PARTITION: 'batch' });
    expect(r.stderr).toBe('');
    const out = SubmitOutput.parse(JSON.parse(r.stdout));
    expect(out.jobs.map((j) => [j.id, j.specIndex, j.name])).toEqual([
      ['101', 0, `${PREFIX}s0-0`],
      ['102', 1, `${PREFIX}s1-0`],
      ['103', 0, `${PREFIX}s0-1`],
    ]);
    const times = out.jobs.map((j) => j.submittedAt ?? 0);
    // Copy 1 of spec 0 goes 0.2 s after the window opened, not at once.
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(0.19);
    const calls = readFileSync(path.join(dir, 'sbatch-calls'), 'utf8').trim().split('\n');
    expect(calls[0]).toContain(
      `-p batch -N 1 --ntasks-per-node=1 -c 2 --mem=100M -t 1 --no-requeue --job-name=${PREFIX}s0-0`,
    );
    // One task: the wrapper itself is the batch script, told to record SLURM's name of the node.
    // Told in sbatch's own environment, exported whole: an export list would make slurmd run a login shell per job.
    expect(calls[0]).not.toContain('--export');
    const env = readFileSync(path.join(dir, 'sbatch-env'), 'utf8').trim().split('\n');
    expect(env[0]).toBe('SLURMD_NODENAME unset');
    expect(calls[0]).toMatch(/ \S+\/jobs\/job\.sh \S+\/jobs\/out\/run1 SLURM_JOB_ID stress --cpu 2$/);
    expect(calls[1]).toMatch(/SLURM_JOB_ID stress --vm 1$/);
    expect(calls.join('\n')).not.toContain('--nice');
  });

  it('a job of several nodes and tasks: nodes, tasks per node, CPUs per task, memory per node, tasks.sh', () => {
    const wide: JobSpec = {
      ...spec(1, 0, 0, ['--cpu', '1']),
      nodes: 2,
      tasksPerNode: 3,
      cpus: 1,
      memoryMiB: 128,
    };
    const r = run('submit.sh', {
      RUN_KEY: 'run1',
      JOB_PREFIX: PREFIX,
      PLAN: renderPlan([wide], 1),
      PARTITION: 'batch',
    });
    expect(r.stderr).toBe('');
    const [call = ''] = readFileSync(path.join(dir, 'sbatch-calls'), 'utf8').trim().split('\n');
    expect(call).toContain('-p batch -N 2 --ntasks-per-node=3 -c 1 --mem=128M -t 1 ');
    // The launcher is the batch script; it starts the wrapper (its first argument) once per task.
    expect(call).toMatch(
      / \S+\/jobs\/tasks\.sh \S+\/jobs\/job\.sh \S+\/jobs\/out\/run1 SLURM_JOB_ID stress --cpu 1$/,
    );
  });

  it.each([
    ['low', '--nice=10000'],
    ['high', '--nice=-10000'],
  ] as const)('priority %s is the nice value %s', (priority, flag) => {
    const r = run('submit.sh', {
      RUN_KEY: 'run1',
      JOB_PREFIX: PREFIX,
      PLAN: renderPlan([{ ...spec(1, 0, 0, ['--cpu', '1']), priority }], 1),
      PARTITION: 'batch',
    });
    expect(r.stderr).toBe('');
    expect(readFileSync(path.join(dir, 'sbatch-calls'), 'utf8')).toContain(` -t 1 ${flag} --no-requeue `);
  });
});

describe('tasks.sh (the batch script of a job of several tasks)', () => {
  it("starts the wrapper once per task through srun, each task's files named by its rank and node", () => {
    // srun: records its options, then runs the command as tasks 0 … SLURM_NTASKS−1, two per node.
    standIn(
      bin,
      'srun',
      `printf '%s\\n' "$*" >"$DIR/srun-args"
while [[ "$1" == --* ]]; do shift; done
for ((r = 0; r < SLURM_NTASKS; r++)); do SLURM_PROCID=$r SLURMD_NODENAME="n$((r / 2 + 1))" "$@" || exit $?; done`,
    );
    // As configure.sh installs them: <root>/jobs/job.sh and tasks.sh, executable.
    const jobs = path.join(dir, 'jobs');
    const out = path.join(jobs, 'out');
    mkdirSync(out, { recursive: true });
    const wrapper = path.join(jobs, 'job.sh');
    writeFileSync(wrapper, JOB_WRAPPER, { mode: 0o755 });
    writeFileSync(path.join(jobs, 'tasks.sh'), TASKS_SCRIPT, { mode: 0o755 });
    const r = spawnSync(path.join(jobs, 'tasks.sh'), [wrapper, out, 'SLURM_JOB_ID', 'noop'], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${String(process.env.PATH)}`,
        DIR: dir,
        SLURM_JOB_ID: '42',
        SLURM_NTASKS: '4',
        SLURM_CPUS_PER_TASK: '2',
        SCHEDBENCH_NODE_VAR: 'SLURMD_NODENAME',
      },
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readFileSync(path.join(dir, 'srun-args'), 'utf8')).toBe(
      `--kill-on-bad-exit=1 --cpus-per-task=2 ${wrapper} ${out} SLURM_JOB_ID noop\n`,
    );
    expect(readdirSync(out).sort()).toEqual(['42@0.times', '42@1.times', '42@2.times', '42@3.times']);
    const nodeOf = (rank: number) => readFileSync(path.join(out, `42@${rank}.times`), 'utf8').split('\n')[0];
    expect([0, 1, 2, 3].map(nodeOf)).toEqual(['node n1', 'node n1', 'node n2', 'node n2']);
  });
});

describe('sampler-start.sh and sampler-stop.sh', () => {
  // Emulated clusters (SAMPLE_NODES=0) keep the queue counts but not the per-node allocation.
  it.each([
    ['by default', {}, 'n1|idle|0/2/0/2;n2|mixed|1/1/0/2'],
    ['with SAMPLE_NODES=0', { SAMPLE_NODES: '0' }, ''],
  ])(
    'squeue/sinfo samples and sdiag snapshots (reset first), as the normaliser reads them, %s',
    async (_, extra, nodes) => {
      const samplerDir = path.join(dir, 'samplers', 'run1', 'scheduler');
      writeFileSync(path.join(dir, 'queue'), `8|${PREFIX}s0-0|R\n9|${PREFIX}s1-0|PD\n`);
      rmSync(path.join(dir, 'sdiag-reset'), { force: true });
      const env = { SAMPLER_DIR: samplerDir, INTERVAL_MS: '100', STATS_INTERVAL_SECONDS: '30', ...extra };
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
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(samples.length).toBeGreaterThanOrEqual(3);
        expect(samples[0]).toMatchObject({ pending: 1, running: 1, nodes });
        expect(out.sdiag.map((s) => s.phase)).toEqual(['after', 'before']);
        expect(out.sdiag[0]?.text).toContain('Total cycles:   7');
        expect(readFileSync(path.join(dir, 'sdiag-reset'), 'utf8')).toBe('reset\n');
        expect(existsSync(samplerDir)).toBe(false);
        // A second stop (a delete after a crash) prints the empty document.
        expect(JSON.parse(run('sampler-stop.sh', env).stdout)).toEqual({ samples: '', sdiag: [] });
      } finally {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // stopped
        }
      }
    },
  );
});

describe('install.sh', () => {
  it('installs what dpkg does not have, under the apt lock, and reports versions and machine facts', () => {
    standIn(
      bin,
      'dpkg-query',
      `pkg="\${*: -1}"; touch "$DIR/installed"
if grep -qxF -- "$pkg" "$DIR/installed"; then case "$*" in *Status*) printf 'install ok installed' ;; *) printf '22.05.8-%s' "$pkg" ;; esac
else exit 1; fi`,
    );
    standIn(bin, 'apt-get', `printf '%s\\n' "\${@:6}" >>"$DIR/installed"; echo "$*" >>"$DIR/apt-calls"`);
    const r = run('install.sh', {
      PACKAGES: 'slurmctld munge mariadb-server stress-ng',
      SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock'),
    });
    expect(r.status).toBe(0);
    expect(InstallInfo.parse(JSON.parse(r.stdout)).packages).toEqual({
      slurm: '22.05.8-slurmctld',
      munge: '22.05.8-munge',
      mariadb: '22.05.8-mariadb-server',
      'stress-ng': '22.05.8-stress-ng',
    });
    expect(readFileSync(path.join(dir, 'apt-calls'), 'utf8')).toContain(
      'install -y --no-install-recommends slurmctld munge mariadb-server stress-ng',
    );
    expect(existsSync(path.join(dir, 'lock', 'apt.lock'))).toBe(true);
  });
});

describe('stop-slurmd.sh', () => {
  it('stops every slurmd of the machine — each removing its own pid file as it exits — and removes the rest', () => {
    const root = path.join(dir, 'root');
    const names = ['e1', 'e2', 'e3', 'e4', 'e5'];
    // Stand-ins named slurmd (so /proc/<pid>/comm says slurmd) that, like slurmd, remove their pid file on SIGTERM.
    const daemon = path.join(dir, 'daemon', 'slurmd');
    mkdirSync(path.dirname(daemon), { recursive: true });
    writeFileSync(
      daemon,
      '#!/bin/bash\ntrap \'rm -f "$1"; exit 0\' TERM\necho $$ >"$1"\nwhile :; do sleep 0.05; done\n',
      { mode: 0o755 },
    );
    const children = names.map((name) => {
      mkdirSync(path.join(root, 'nodes', name), { recursive: true });
      return spawn(daemon, [path.join(root, 'nodes', name, 'slurmd.pid')], { stdio: 'ignore' });
    });
    try {
      for (const name of names)
        while (!existsSync(path.join(root, 'nodes', name, 'slurmd.pid'))) spawnSync('sleep', ['0.05']);
      // A stale pid file whose process is gone, and a node whose slurmd never started.
      mkdirSync(path.join(root, 'nodes', 'e6'), { recursive: true });
      writeFileSync(path.join(root, 'nodes', 'e6', 'slurmd.pid'), '999999999');
      const r = run('stop-slurmd.sh', {
        NODE: 'n1',
        SLURMDS: [...names, 'e6', 'e7'].join(' '),
        STOP_TIMEOUT: '5',
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toEqual({ node: 'n1', slurmd: 'stopped', slurmds: 7, stopped: 5 });
      for (const child of children)
        expect(child.exitCode === 0 || child.signalCode !== null || isGone(child.pid)).toBe(true);
      for (const name of [...names, 'e6'])
        expect(existsSync(path.join(root, 'nodes', name, 'slurmd.pid'))).toBe(false);
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  });
});

/** Whether process `pid` has exited (or is a zombie nobody reaped yet). */
function isGone(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
