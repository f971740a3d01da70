// Bench: N trivial jobs (default 1,000) on a 2-node Flux system instance (flux-core + Fluxion from an existing
// installation) on netns nodes, through the local runner as users run it: one `up` stands the instance up and runs
// the product's throughput workload (a workload run — samplers, `flux submit --cc` on rank 0, wait, `flux jobs
// --json`, RunResult); then, on the same live instance, two rounds of a raw `flux submit --cc 1-N true` + `flux job
// wait --all` through rank 0's local:// socket from inside rank 0's node (its network, UTS and mount namespaces and
// its cgroups, where the member's SSH commands run). One `up`, not two: a second `up` would re-run every resource
// whose script changed meanwhile in this shared tree. Prints the stand-up time, jobs/s of each and the ratio
// harness/raw (target ≥ 0.9). Needs root and a Flux installation (SCHEDBENCH_FLUX_PREFIX, default /opt/flux);
// without one it says so and exits.
// Usage: npx tsx bench/flux-throughput.ts [jobs=1000]
import { execFileSync } from 'child_process';
import { cpus } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { fluxAvailability } from '../components/flux/availability';
import { FLUX_PREFIX_ENV } from '../components/flux/options';
import { fluxLayout, localUri } from '../components/flux/layout';
import type { RunResult } from '../results/schema';
import { expandWorkload } from '../workloads/catalog';
import { benchProfile, benchStack, loadAverages, rate, type Rate } from './lib/stack';

const STACK = 'bflux';
const NODES = 2;

// The baseline. The subshell joins the rank-0 broker's cgroups (cpu, cpuacct, memory; v2: its one cgroup) and
// then its network, UTS and mount namespaces, so the flux commands run where the member's scripts run. Jobs
// carry the cluster's marker (stop.sh finds leftovers by it). Prints `<t0> <t_submitted> <t_done>` (host clock,
// the nodes share it) and then `flux jobs`' t_submit and t_cleanup of every raw job, one line each.
const RAW = `
set -euo pipefail
pid="$(<"$ROOT/nodes/$NODE/broker.pid")"
[[ "$(<"/proc/$pid/comm")" == flux-broker* ]] || { echo "no broker at pid $pid" >&2; exit 1; }
(
  while IFS=: read -r _ controllers cgroup; do
    case ",$controllers," in
      ,,) dir="/sys/fs/cgroup$cgroup" ;;
      *,memory,* | *,cpu,* | *,cpuacct,*) dir="/sys/fs/cgroup/\${controllers#name=}$cgroup" ;;
      *) continue ;;
    esac
    if [[ -w "$dir/cgroup.procs" ]]; then echo "$BASHPID" >"$dir/cgroup.procs"; fi
  done <"/proc/$pid/cgroup"
  # shellcheck disable=SC2016 # expanded by the inner shell, from the environment
  exec nsenter -t "$pid" --net --uts --mount /bin/bash -c '
    set -euo pipefail
    export PATH="$FLUX_PREFIX/bin:$PATH" FLUX_F58_FORCE_ASCII=1 SCHEDBENCH_FLUX_ROOT="$ROOT"
    t0="$EPOCHREALTIME"
    flux submit --quiet --cc="1-$JOBS" --flags=waitable --job-name="$NAME" true
    t1="$EPOCHREALTIME"
    flux job wait --all
    t2="$EPOCHREALTIME"
    echo "$t0 $t1 $t2"
    flux jobs -a -c 0 -n --name="$NAME" -o "{t_submit} {t_cleanup}"'
)
`;

const RawTimes = z.tuple([z.number(), z.number(), z.number()]);

/** Raw figures of one baseline round: end to end (submit → last job's cleanup), submit alone, and wall time. */
interface RawFigures {
  endToEnd: Rate;
  submit: Rate;
  wall: Rate;
  completed: number;
}

function runRaw(env: Record<string, string>, jobs: number, name: string): RawFigures {
  const out = execFileSync('bash', ['-c', RAW], {
    env: { ...process.env, ...env, JOBS: String(jobs), NAME: name },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const [head = '', ...rows] = out.trim().split('\n');
  const [t0, t1, t2] = RawTimes.parse(head.trim().split(/\s+/).map(Number));
  const cleanups = rows.map((r) => Number(r.trim().split(/\s+/)[1])).filter((t) => Number.isFinite(t));
  if (cleanups.length !== jobs)
    throw new Error(`raw ${name}: flux jobs lists ${cleanups.length} ended jobs, expected ${jobs}`);
  return {
    endToEnd: rate(jobs, Math.max(...cleanups) - t0),
    submit: rate(jobs, t1 - t0),
    wall: rate(jobs, t2 - t0),
    completed: cleanups.length,
  };
}

/** Harness figures from the RunResult: first submit → last job end (precise: harness and wrapper clocks). */
function harnessFigures(r: RunResult): {
  endToEnd: Rate;
  endToEndFluxEnd: Rate;
  submit: Rate;
  completed: number;
} {
  const jobs = r.jobs.length;
  const num = (xs: (number | null | undefined)[]) => xs.filter((x): x is number => typeof x === 'number');
  const submits = num(r.jobs.map((j) => j.precise?.submitEpochS));
  const ends = num(r.jobs.map((j) => j.precise?.endEpochS));
  const fluxEnds = num(r.jobs.map((j) => (j.endTime === null ? null : Date.parse(j.endTime) / 1000)));
  if (submits.length !== jobs || ends.length !== jobs)
    throw new Error(`harness: ${jobs} jobs, ${submits.length} precise submits, ${ends.length} precise ends`);
  const first = Math.min(...submits);
  const ms = (t: string) => Date.parse(t);
  return {
    endToEnd: rate(jobs, Math.max(...ends) - first),
    endToEndFluxEnd: rate(jobs, Math.max(...fluxEnds) - first),
    submit: rate(jobs, (ms(r.submission.endedAt) - ms(r.submission.startedAt)) / 1000),
    completed: r.jobs.filter((j) => j.state === 'COMPLETED').length,
  };
}

function main(): void {
  const jobs = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error(`jobs must be a positive integer, got ${process.argv[2]}`);
  const prefix = process.env[FLUX_PREFIX_ENV] || '/opt/flux';
  const availability = fluxAvailability({ prefix, local: true });
  if (!availability.available) {
    console.log(`flux-throughput skipped: ${availability.reason}`);
    return;
  }
  const stack = benchStack(STACK);
  const config = {
    ...benchProfile(NODES),
    scheduler: 'flux',
    flux: { prefix },
    stopAfter: 'runs',
    idleGapSeconds: 0,
  };
  // The product's throughput workload (trivial jobs, all at once), `jobs` of them.
  const workload = expandWorkload('throughput', { nodes: NODES, vcpus: 2, memoryGiB: 2 }).map((s) => ({
    ...s,
    count: jobs,
  }));
  const layout = fluxLayout(path.posix.join('/var/lib/schedbench', STACK, 'flux'));
  const rank0 = `${STACK}-n1`;
  const env = { ROOT: layout.root, NODE: rank0, FLUX_PREFIX: prefix, FLUX_URI: localUri(layout, rank0) };
  console.log(`flux-throughput: ${jobs} jobs, ${NODES} netns nodes × 2 cores, Flux at ${prefix}`);
  console.log(`host: ${cpus().length} cores, load average at start ${loadAverages()}`);
  stack.configure(config, [{ workload: 'throughput', timeoutFactor: 10, specs: workload }], false);
  try {
    const run = stack.upWithLog();
    // The runner logs each resource with its time since the runner started: the validation stage's is the
    // stand-up (netns nodes, install check, keygen, configure, brokers, validate), runner start-up excluded.
    const validated = new RegExp(
      `^\\s*([\\d.]+)s \\+ command:remote:Command\\s+${STACK}-validate\\s+created`,
      'm',
    );
    const standUpSeconds = Number(validated.exec(run.stdout)?.[1] ?? NaN);
    console.log(
      `stand-up (netns nodes + Flux install → validated, runner log): ${standUpSeconds.toFixed(1)} s`,
    );
    const r = stack.result(run.runId, 'throughput');
    if (r.status !== 'ok') throw new Error(`harness run ended ${r.status}: ${r.notes.join('; ')}`);
    const harness = harnessFigures(r);
    console.log(
      `harness: ${harness.endToEnd.jobsPerSecond.toFixed(1)} jobs/s (whole up ${run.seconds.toFixed(1)} s)`,
    );

    const rawRounds = [1, 2].map((round) => {
      const raw = runRaw(env, jobs, `raw-${round}`);
      console.log(`raw round ${round}: ${raw.endToEnd.jobsPerSecond.toFixed(1)} jobs/s`);
      return raw;
    });
    const rawMean = rate(jobs, rawRounds.reduce((t, x) => t + x.endToEnd.seconds, 0) / rawRounds.length);
    const ratio = harness.endToEnd.jobsPerSecond / rawMean.jobsPerSecond;
    const f = (x: number) => x.toFixed(2);
    console.table({
      'stand-up (s)': { value: f(standUpSeconds) },
      'harness jobs/s (first submit → last job end, precise)': { value: f(harness.endToEnd.jobsPerSecond) },
      'raw jobs/s (flux submit --cc → last t_cleanup, mean of 2 rounds)': {
        value: f(rawMean.jobsPerSecond),
      },
      'ratio harness/raw (target ≥ 0.9)': { value: f(ratio) },
    });
    console.log(
      JSON.stringify(
        {
          jobs,
          fluxVersion: r.scheduler.version,
          completed: { harness: harness.completed, raw: rawRounds.map((x) => x.completed) },
          standUpSeconds,
          harness: {
            endToEnd: harness.endToEnd,
            // The same span ended by Flux's own t_cleanup instead of the wrapper's end stamp.
            endToEndFluxEnd: harness.endToEndFluxEnd,
            submit: harness.submit,
            wholeUpSeconds: run.seconds,
          },
          raw: { rounds: rawRounds, meanEndToEnd: rawMean },
          ratioHarnessOverRaw: ratio,
          loadAverageAtEnd: loadAverages(),
          runId: run.runId,
        },
        null,
        1,
      ),
    );
  } finally {
    console.log(`destroy: ${stack.destroy().toFixed(1)} s`);
  }
}

main();
