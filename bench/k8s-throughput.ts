// Bench: N trivial Jobs (default 1,000) end to end on a 2-node Kubernetes (netns nodes, one vCPU each: the most
// this 2-core host can advertise) through the local runner as users run it, against a raw baseline on the same
// live cluster, in alternating rounds (harness, raw, harness, raw) so that neither side gets the fresh cluster or
// the settled one. A harness round is a run of the product's throughput workload (samplers, submit as the runner
// ServiceAccount, wait, collect, RunResult): the first `up` stands the cluster up and runs it with the cpu workload
// (for pod start-up latency), the second `up` resumes the stack with one more throughput run. A raw round creates
// the same N Jobs (the product's own renderer, another label) with one `kubectl create -f` of a List — the
// fastest a user's script submits — and polls their conditions. Both measure first submit → last job end by the
// job wrapper's own clock (the raw Jobs run the same wrapper; its .times files are read on the host). Prints
// jobs/s of each, the ratio harness/raw (target ≥ 0.9), submit/start rates, and the kubelets' pod start-up
// p50/p99 (SLO: p99 ≤ 5 s). Needs root and the cached Kubernetes build (npx schedbench k8s build).
// With `emulate=N`, the cluster is N emulated Perlmutter CPU nodes (128 vCPUs, 512 GiB) of KWOK beside the two
// netns nodes (docs/scale.md): no container runs, so both sides end at the Jobs' completion times from the
// apiserver (whole seconds), and the cpu workload is left out (it measures kubelets).
// Usage: npx tsx bench/k8s-throughput.ts [jobs=1000] [emulate=N]
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { cpus } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { clusterNameFor } from '../components/config/names';
import { kubernetesBinDir } from '../components/kubernetes/cli';
import { clusterLayout } from '../components/kubernetes/layout';
import { renderJob } from '../components/kubernetes/render';
import type { RunResult } from '../results/schema';
import { expandWorkload } from '../workloads/catalog';
import { preciseTimes } from '../components/jobs/times';
import { adminKubectl } from '../test/helpers/kubernetes';
import { benchStack, loadAverages, rate, type Rate } from './lib/stack';

const STACK = 'bk8s';
const PROFILE = { nodes: 2, vcpus: 1, memoryGiB: 2 };

const Listing = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ creationTimestamp: z.string() }),
      status: z.object({
        completionTime: z.string().optional(),
        conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional(),
      }),
    }),
  ),
});

function kubectlOf(root: string): (args: string[], input?: string) => string {
  const bin = kubernetesBinDir();
  if (!existsSync(path.join(bin, 'bin', 'kubectl')))
    throw new Error(`no cached Kubernetes build at ${bin}: npx schedbench k8s build`);
  return adminKubectl(bin, root);
}

/**
 * One raw round: N copies of the throughput Job, one List, one `kubectl create`, then polls (0.2 s) until every
 * Job is Complete. End to end = create → the last job's end by its wrapper's clock (the Job's `completionTime`,
 * whole seconds, where a wrapper's file is missing).
 */
function runRaw(
  kubectl: (args: string[], input?: string) => string,
  jobs: number,
  round: number,
  image: string,
  jobFilesDir: string,
  emulated: boolean,
): { endToEnd: Rate; submit: Rate; wall: Rate } {
  const [spec] = expandWorkload('throughput', PROFILE);
  if (spec === undefined) throw new Error('the throughput workload has no spec');
  const label = `raw${round}`;
  const job = renderJob(spec, 0, { image, runLabel: label, jobFilesDir, timeoutFactor: 10, emulated });
  const items = Array.from({ length: jobs }, (_, i) => ({
    ...job,
    metadata: { ...job.metadata, name: `raw-${round}-${i}` },
  }));
  const t0 = Date.now() / 1000;
  kubectl(['create', '-f', '-', '-o', 'name'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const t1 = Date.now() / 1000;
  const selector = ['-n', 'schedbench', '-l', `schedbench.io/run=${label}`];
  let last = 0;
  for (;;) {
    const listing = Listing.parse(JSON.parse(kubectl(['get', 'jobs', ...selector, '-o', 'json'])));
    const done = listing.items.filter((j) =>
      (j.status.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True'),
    );
    if (done.length === jobs) {
      last = Math.max(...done.map((j) => Date.parse(j.status.completionTime ?? '') / 1000));
      break;
    }
    execFileSync('sleep', ['0.2']);
  }
  const t2 = Date.now() / 1000;
  kubectl(['delete', 'jobs', ...selector, '--cascade=foreground', '--wait=true']);
  const wrapperEnds = Array.from({ length: jobs }, (_, i) => {
    const file = path.join(jobFilesDir, `raw-${round}-${i}.times`);
    return existsSync(file) ? preciseTimes(readFileSync(file, 'utf8'), undefined)?.endEpochS : undefined;
  }).filter((t): t is number => typeof t === 'number');
  if (wrapperEnds.length === jobs) last = Math.max(...wrapperEnds);
  else if (!emulated)
    console.log(`raw round ${round}: ${wrapperEnds.length}/${jobs} wrapper times; ends from completionTime`);
  return {
    endToEnd: rate(jobs, Math.max(last, t1) - t0),
    submit: rate(jobs, t1 - t0),
    wall: rate(jobs, t2 - t0),
  };
}

/**
 * Harness figures from the RunResult: first submit → last job end (precise clocks; emulated: the apiserver's whole
 * seconds, as the raw side's), submit, first → last start.
 */
function harnessFigures(r: RunResult, emulated: boolean) {
  const jobs = r.jobs.length;
  const num = (xs: (number | null | undefined)[]) => xs.filter((x): x is number => typeof x === 'number');
  const epoch = (t: string | null) => (t === null ? null : Date.parse(t) / 1000);
  const submits = num(r.jobs.map((j) => j.precise?.submitEpochS));
  const starts = num(r.jobs.map((j) => (emulated ? epoch(j.startTime) : j.precise?.startEpochS)));
  const ends = num(r.jobs.map((j) => (emulated ? epoch(j.endTime) : j.precise?.endEpochS)));
  if (submits.length !== jobs || ends.length !== jobs)
    throw new Error(`harness: ${jobs} jobs, ${submits.length} precise submits, ${ends.length} precise ends`);
  const first = Math.min(...submits);
  const ms = (t: string) => Date.parse(t);
  return {
    endToEnd: rate(jobs, Math.max(...ends) - first),
    submit: rate(jobs, (ms(r.submission.endedAt) - ms(r.submission.startedAt)) / 1000),
    // Pods reaching their container: the rate the scheduler and kubelets together place and start them.
    start: rate(jobs, Math.max(...starts) - first),
    completed: r.jobs.filter((j) => j.state === 'COMPLETED').length,
  };
}

const extraOf = (r: RunResult, key: string): number | undefined =>
  r.schedulerStats.find((s) => s.phase === 'after')?.extra[key];

function main(): void {
  const emulateFlag = process.argv.slice(2).find((a) => a.startsWith('emulate='));
  const emulate = emulateFlag === undefined ? null : Number(emulateFlag.slice('emulate='.length));
  if (emulate !== null && (!Number.isInteger(emulate) || emulate < 1))
    throw new Error(`emulate must be a positive integer, got ${emulateFlag}`);
  const emulated = emulate !== null;
  const positional = process.argv.slice(2).filter((a) => !a.startsWith('emulate='));
  const jobs = Number(positional[0] ?? 1000);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error(`jobs must be a positive integer, got ${positional[0]}`);
  const layout = clusterLayout(path.posix.join('/var/lib/schedbench', clusterNameFor(STACK), 'kubernetes'));
  const root = layout.root;
  const kubectl = kubectlOf(root);
  const stack = benchStack(STACK);
  const throughput = expandWorkload('throughput', PROFILE).map((s) => ({ ...s, count: jobs }));
  const cpu = expandWorkload('cpu_intensive', PROFILE);
  console.log(
    `k8s-throughput: ${jobs} Jobs, ${PROFILE.nodes} netns nodes × ${PROFILE.vcpus} vCPU` +
      (emulated ? `, ${emulate} emulated nodes (KWOK) of 128 vCPUs` : ''),
  );
  console.log(`host: ${cpus().length} cores, load average at start ${loadAverages()}`);
  const config = {
    scheduler: 'kubernetes',
    profile: 'fits',
    profiles: { fits: PROFILE, 'cpu-node': { nodes: 1, vcpus: 128, memoryGiB: 512 } },
    ...(emulated ? { emulation: { nodes: emulate, profile: 'cpu-node' } } : {}),
    stopAfter: 'runs',
    idleGapSeconds: 0,
  };
  const runs = [
    { workload: 'throughput', timeoutFactor: 20, specs: throughput },
    ...(emulated ? [] : [{ workload: 'cpu', timeoutFactor: 10, specs: cpu }]),
  ];
  const mean = (xs: Rate[]) => rate(jobs, xs.reduce((t, x) => t + x.seconds, 0) / xs.length);
  try {
    // Round 1: the `up` that stands the cluster up runs the first harness round (and the cpu workload).
    stack.configure(config, runs, false);
    const first = stack.upWithLog();
    const r = stack.result(first.runId, 'throughput');
    const c = emulated ? undefined : stack.result(first.runId, 'cpu');
    const image = r.provenance.packages['image:workload']?.split('@')[0] ?? '';
    // Under the job files' root: the namespace's admission policy lets a pod mount no other host directory.
    const rawDir = layout.jobFilesDir('raw');
    const harnessRound = (result: RunResult, round: number, upSeconds: number) => {
      if (result.status !== 'ok')
        throw new Error(`harness round ${round} ended ${result.status}: ${result.notes.join('; ')}`);
      const h = harnessFigures(result, emulated);
      console.log(
        `harness round ${round}: ${h.endToEnd.jobsPerSecond.toFixed(2)} jobs/s (its up: ${upSeconds.toFixed(0)} s)`,
      );
      return h;
    };
    const rawRound = (round: number) => {
      const raw = runRaw(kubectl, jobs, round, image, rawDir, emulated);
      console.log(`raw round ${round}: ${raw.endToEnd.jobsPerSecond.toFixed(2)} jobs/s`);
      return raw;
    };
    const harness = [harnessRound(r, 1, first.seconds)];
    const rounds = [rawRound(1)];
    // Round 2: the stack resumed with one more throughput run (nothing else runs again).
    stack.configure(
      config,
      [...runs, { workload: 'throughput_again', timeoutFactor: 20, specs: throughput }],
      false,
    );
    const second = stack.upWithLog();
    const r2 = stack.result(second.runId, 'throughput_again');
    harness.push(harnessRound(r2, 2, second.seconds));
    rounds.push(rawRound(2));

    const harnessMean = mean(harness.map((h) => h.endToEnd));
    const rawMean = mean(rounds.map((x) => x.endToEnd));
    const ratio = harnessMean.jobsPerSecond / rawMean.jobsPerSecond;
    const ms = (us: number | undefined) => (us === undefined ? 'n/a' : (us / 1000).toFixed(0));
    const f = (x: number) => x.toFixed(2);
    const each = (xs: Rate[]) => xs.map((x) => f(x.jobsPerSecond)).join(', ');
    console.table({
      'harness jobs/s (first submit → last job end, wrapper clock; mean of 2)': {
        value: `${f(harnessMean.jobsPerSecond)} (${each(harness.map((h) => h.endToEnd))})`,
      },
      'raw jobs/s (kubectl create of a List → last job end, wrapper clock; mean of 2)': {
        value: `${f(rawMean.jobsPerSecond)} (${each(rounds.map((x) => x.endToEnd))})`,
      },
      'ratio harness/raw (target ≥ 0.9)': { value: f(ratio) },
      'submit rate, harness / raw (jobs/s)': {
        value: `${each(harness.map((h) => h.submit))} / ${each(rounds.map((x) => x.submit))}`,
      },
      'harness start rate (first submit → last container start, jobs/s)': {
        value: each(harness.map((h) => h.start)),
      },
      'throughput: pod start-up SLI p50 / p99 (ms)': {
        value: `${ms(extraOf(r, 'kubelet.pod_start_sli.p50_us'))} / ${ms(extraOf(r, 'kubelet.pod_start_sli.p99_us'))}`,
      },
      'cpu: pod start-up SLI p50 / p99 (ms; SLO p99 ≤ 5,000)': {
        value: `${c === undefined ? 'n/a (emulated)' : `${ms(extraOf(c, 'kubelet.pod_start_sli.p50_us'))} / ${ms(extraOf(c, 'kubelet.pod_start_sli.p99_us'))}`}`,
      },
      'cpu: kubelet pod start p50 / p99 (ms; bound → running)': {
        value: `${c === undefined ? 'n/a (emulated)' : `${ms(extraOf(c, 'kubelet.pod_start.p50_us'))} / ${ms(extraOf(c, 'kubelet.pod_start.p99_us'))}`}`,
      },
    });
    console.log(
      JSON.stringify(
        {
          jobs,
          kubernetesVersion: r.scheduler.version,
          completed: harness.map((h) => h.completed),
          harness: { rounds: harness, meanEndToEnd: harnessMean, upSeconds: [first.seconds, second.seconds] },
          raw: { rounds, meanEndToEnd: rawMean },
          ratioHarnessOverRaw: ratio,
          emulatedNodes: emulate,
          schedulerStats: {
            throughput: r.schedulerStats.at(-1)?.extra,
            cpu: c?.schedulerStats.at(-1)?.extra,
          },
          loadAverageAtEnd: loadAverages(),
          runIds: [first.runId, second.runId],
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
