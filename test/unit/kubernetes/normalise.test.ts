// The Kubernetes normaliser on real stage outputs (test/fixtures/kubernetes) and on the cases a run meets only
// sometimes: OOM kills, failures, the run's timeout, pods never scheduled; Prometheus histograms → mean and p95.
import { readFileSync } from 'fs';
import * as path from 'path';
import { SubmitOutput, WaitOutput } from '../../../components/schedulers/contract';
import { kubernetesNormaliser, kubernetesStats } from '../../../components/kubernetes/normalise';
import {
  histogram,
  histogramQuantile,
  jobRecords,
  jobState,
  memoryMiB,
  millicores,
  parsePrometheusText,
  podSample,
  type KubeJob,
  type KubePod,
} from '../../../components/kubernetes/parse';

const FIXTURE = path.join(__dirname, '../../fixtures/kubernetes/mixed-r1.stages.json');
const stages = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<
  'submit' | 'wait' | 'collect' | 'schedulerSampler',
  string
>;
const outputs = {
  submit: SubmitOutput.parse(JSON.parse(stages.submit)),
  wait: WaitOutput.parse(JSON.parse(stages.wait)),
  collect: stages.collect,
  samplerStop: stages.schedulerSampler,
  nodeJobFiles: [],
};

describe('kubernetesNormaliser on a real mixed run', () => {
  const run = kubernetesNormaliser.normalise(outputs);

  test('gives one completed record per submitted Job, with node, requests and stress-ng figures', () => {
    expect(run.missing).toEqual([]);
    expect(run.jobs.map((j) => j.id)).toEqual(outputs.submit.jobs.map((j) => j.id));
    expect(run.jobs.every((j) => j.state === 'COMPLETED' && j.exitCode === 0)).toBe(true);
    expect(new Set(run.jobs.flatMap((j) => j.nodes))).toEqual(
      new Set(['local-kubernetes-n1', 'local-kubernetes-n2']),
    );
    const memoryJob = run.jobs.find((j) => j.specIndex === 1);
    expect(memoryJob).toMatchObject({ requestedCpus: 1, requestedMemoryMiB: 4096, allocatedCpus: 1 });
    expect(memoryJob?.metrics['vm.bogo-ops']).toBeGreaterThan(0);
  });

  test("keeps the objects' whole-second times and the wrapper's finer ones, consistent with each other", () => {
    for (const j of run.jobs) {
      expect(j.submitTime).toMatch(/:\d\d\.000Z$/);
      const p = j.precise;
      expect(p).not.toBeNull();
      expect(Math.abs((p?.startEpochS ?? 0) - Date.parse(j.startTime ?? '') / 1000)).toBeLessThan(1.01);
      expect(p?.runSeconds).toBeGreaterThan(2.9);
      expect(p?.submitEpochS).toBeLessThan(p?.startEpochS ?? 0);
    }
  });

  test('samples the queue and each node as the sampler listed them', () => {
    expect(run.schedulerSamples.length).toBeGreaterThan(5);
    expect(run.schedulerSamples.some((s) => s.pending > 0)).toBe(true);
    const busy = run.schedulerSamples.find((s) => s.running === 2);
    expect(busy?.nodes).toEqual([
      { node: 'local-kubernetes-n1', state: 'allocated', allocatedCpus: 1, idleCpus: 0 },
      { node: 'local-kubernetes-n2', state: 'allocated', allocatedCpus: 1, idleCpus: 0 },
    ]);
  });

  test("turns the scheduler's /metrics into attempts, latencies and apiserver figures since the run began", () => {
    const [before, after] = [run.schedulerStats[0], run.schedulerStats.at(-1)];
    expect(before?.phase).toBe('before');
    expect(before?.cycles).toBe(0);
    expect(after?.phase).toBe('after');
    expect(after?.extra['scheduler.attempts.scheduled']).toBe(run.jobs.length);
    expect(after?.cycles).toBe(
      (after?.extra['scheduler.attempts.scheduled'] ?? 0) +
        (after?.extra['scheduler.attempts.unschedulable'] ?? 0),
    );
    expect(after?.cycleMeanUs).toBeGreaterThan(0);
    expect(after?.extra['scheduler.sli_duration.p95_us']).toBeGreaterThanOrEqual(
      after?.extra['scheduler.sli_duration.mean_us'] ?? Infinity,
    );
    // WATCH requests last minutes: left out, the mean request latency is milliseconds.
    expect(after?.extra['apiserver.request_duration.mean_us']).toBeLessThan(1e6);
  });
});

const job = (conditions: [string, string?][]): KubeJob => ({
  name: 'sb-x-s0-0',
  spec: '0',
  created: '2026-11-30T00:00:00Z',
  cpu: '1',
  memory: '64Mi',
  conditions: conditions.map(([type, reason]) => ({
    type,
    reason: reason ?? null,
    message: null,
    time: null,
  })),
});
const pod = (over: Partial<KubePod>): KubePod => ({
  name: 'p',
  job: 'sb-x-s0-0',
  created: '2026-11-30T00:00:00Z',
  node: 'n1',
  phase: 'Failed',
  reason: null,
  message: null,
  scheduled: null,
  state: null,
  ...over,
});
const terminated = (exitCode: number, reason: string) => ({
  terminated: { exitCode, reason, startedAt: '2026-11-30T00:00:01Z', finishedAt: '2026-11-30T00:00:02Z' },
});

describe('jobState', () => {
  test('completes a Job whose container completed', () => {
    expect(jobState(job([['Complete']]), [pod({ state: terminated(0, 'Completed') })], false).state).toBe(
      'COMPLETED',
    );
  });
  test('records an OOM kill as OUT_OF_MEMORY even when the command exited 0 and the Job completed', () => {
    const s = jobState(job([['Complete']]), [pod({ state: terminated(0, 'OOMKilled') })], false);
    expect(s).toEqual({ state: 'OUT_OF_MEMORY', rawState: 'Complete; container OOMKilled, exit 0' });
  });
  test('fails a Job whose command failed, with the reasons in the raw state', () => {
    const s = jobState(
      job([['Failed', 'BackoffLimitExceeded']]),
      [pod({ state: terminated(3, 'Error') })],
      false,
    );
    expect(s).toEqual({ state: 'FAILED', rawState: 'Failed (BackoffLimitExceeded; container Error)' });
  });
  test("times out a pod past its deadline, and cancels what the run's own bound ended", () => {
    const late = pod({ reason: 'DeadlineExceeded' });
    expect(jobState(job([['Failed', 'BackoffLimitExceeded']]), [late], false).state).toBe('TIMEOUT');
    expect(jobState(job([['Failed', 'DeadlineExceeded']]), [], true).state).toBe('CANCELLED');
  });
  test('cancels a failed Job whose pod never reached a node; a waiting one is PENDING, a live one RUNNING', () => {
    expect(jobState(job([['Failed', 'PodFailurePolicy']]), [pod({ node: null })], false).state).toBe(
      'CANCELLED',
    );
    expect(jobState(job([]), [pod({ node: null, phase: 'Pending' })], false)).toEqual({
      state: 'PENDING',
      rawState: 'Pending',
    });
    expect(
      jobState(job([]), [pod({ state: { running: { startedAt: '2026-11-30T00:00:01Z' } } })], false).state,
    ).toBe('RUNNING');
  });
  test('records a Job left on a node whose kubelet stopped reporting as NODE_FAIL; one that finished stays so', () => {
    const running = pod({
      node: 'n2',
      phase: 'Running',
      state: { running: { startedAt: '2026-11-30T00:00:01Z' } },
    });
    expect(jobState(job([]), [running], false, true)).toEqual({
      state: 'NODE_FAIL',
      rawState: 'Running on n2, whose kubelet stopped reporting (node not Ready)',
    });
    // With the apiserver's word for what was lost (the node's Ready condition), the record says it.
    expect(jobState(job([]), [running], false, true, 'container runtime is down')).toEqual({
      state: 'NODE_FAIL',
      rawState: 'Running on n2, node not Ready: container runtime is down',
    });
    expect(jobState(job([]), [running], false, false).state).toBe('RUNNING');
    expect(
      jobState(job([['Complete']]), [pod({ state: terminated(0, 'Completed') })], false, true).state,
    ).toBe('COMPLETED');
  });
});

describe('quantities', () => {
  test('CPU in millicores and memory in MiB, as the apiserver writes them', () => {
    expect([millicores('2'), millicores('500m'), millicores('1.5')]).toEqual([2000, 500, 1500]);
    expect([memoryMiB('64Mi'), memoryMiB('1Gi'), memoryMiB('1048576'), memoryMiB('4194304Ki')]).toEqual([
      64, 1024, 1, 4096,
    ]);
    expect(() => millicores('two')).toThrow(/not a CPU quantity: two/);
    expect(() => memoryMiB('1Qi')).toThrow(/not a memory quantity: 1Qi/);
  });
});

describe('podSample', () => {
  test('counts a pod without a node as pending and charges bound pods to their node', () => {
    const nodes = new Map([
      ['n1', 2],
      ['n2', 2],
    ]);
    const s = podSample('Running n1 1\nPending n2 500m\nPending  1\nSucceeded n1 1', nodes);
    expect(s).toEqual({
      pending: 1,
      running: 2,
      nodes: [
        { node: 'n1', state: 'mixed', allocatedCpus: 1, idleCpus: 1 },
        { node: 'n2', state: 'mixed', allocatedCpus: 1, idleCpus: 1 },
      ],
    });
    expect(podSample('unanswered', nodes)).toBeNull();
  });
});

describe('Prometheus histograms', () => {
  const text = [
    '# HELP h a histogram',
    'h_bucket{result="scheduled",le="0.001"} 10',
    'h_bucket{result="scheduled",le="0.01"} 50',
    'h_bucket{result="scheduled",le="0.1"} 100',
    'h_bucket{result="scheduled",le="+Inf"} 100',
    'h_bucket{result="error",le="0.001"} 0',
    'h_bucket{result="error",le="0.01"} 0',
    'h_bucket{result="error",le="0.1"} 0',
    'h_bucket{result="error",le="+Inf"} 0',
    'h_sum{result="scheduled"} 1.5',
    'h_count{result="scheduled"} 100',
  ].join('\n');

  test('sum over labels, and interpolate quantiles inside a bucket', () => {
    const h = histogram(parsePrometheusText(text), 'h');
    expect(h.count).toBe(100);
    expect(h.sum).toBe(1.5);
    // The 95th of 100 falls in (0.01, 0.1], 45 of its 50 observations in: 0.01 + 0.09 × 45/50.
    expect(histogramQuantile(h, 0.95)).toBeCloseTo(0.091, 10);
    expect(histogramQuantile(h, 0.05)).toBeCloseTo(0.0005, 10);
  });

  test('statistics count from the first snapshot, not from when the scheduler started', () => {
    const snap = (t: number, phase: 'before' | 'after', attempts: number) => ({
      phase,
      t,
      scheduler: `scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} ${attempts}`,
      apiserver: '',
      kubelets: '',
    });
    const first = snap(1_800_000_000, 'before', 40);
    expect(kubernetesStats(snap(1_800_000_010, 'after', 45), first)).toMatchObject({
      cycles: 5,
      extra: { 'scheduler.attempts.scheduled': 5 },
    });
  });

  test("pod start-up p50/p99 over every kubelet, since the run's first snapshot", () => {
    // Two kubelets' texts one after the other; the first snapshot had 2 pods started on node 1 already.
    const kubelet = (le05: number, le1: number, le5: number, sum: number) =>
      [
        `kubelet_pod_start_sli_duration_seconds_bucket{le="0.5"} ${le05}`,
        `kubelet_pod_start_sli_duration_seconds_bucket{le="1"} ${le1}`,
        `kubelet_pod_start_sli_duration_seconds_bucket{le="5"} ${le5}`,
        `kubelet_pod_start_sli_duration_seconds_bucket{le="+Inf"} ${le5}`,
        `kubelet_pod_start_sli_duration_seconds_sum ${sum}`,
        `kubelet_pod_start_sli_duration_seconds_count ${le5}`,
      ].join('\n');
    const at = (t: number, phase: 'before' | 'after', kubelets: string) => ({
      phase,
      t,
      scheduler: '',
      apiserver: '',
      kubelets,
    });
    const first = at(1, 'before', kubelet(2, 2, 2, 0.4));
    // Since then: node 1 started 8 more pods (4 within 0.5 s, 4 within 1 s), node 2 started 2 within 5 s.
    const after = at(2, 'after', `${kubelet(6, 10, 10, 6)}\n${kubelet(0, 0, 2, 5)}`);
    const extra = kubernetesStats(after, first).extra;
    expect(extra['kubelet.pod_start_sli.observations']).toBe(10);
    // 50th of 10 = the 5th: (0.5, 1], first of its 4: 0.5 + 0.5 × 1/4.
    expect(extra['kubelet.pod_start_sli.p50_us']).toBeCloseTo(625_000, 3);
    // 99th = 9.9th: (1, 5], 1.9 of its 2: 1 + 4 × 1.9/2.
    expect(extra['kubelet.pod_start_sli.p99_us']).toBeCloseTo(4_800_000, 3);
    expect(extra['kubelet.pod_start.observations']).toBeUndefined();
  });

  it("the kube-scheduler process's CPU time and resident memory, as read (absent when it does not serve them)", () => {
    const snapshot = (t: number, scheduler: string): Parameters<typeof kubernetesStats>[0] => ({
      phase: 'after',
      t,
      scheduler,
      apiserver: '',
      kubelets: '',
    });
    const first = snapshot(1, 'process_cpu_seconds_total 1.25\nprocess_resident_memory_bytes 4.194304e+07');
    const later = snapshot(2, 'process_cpu_seconds_total 3.75\nprocess_resident_memory_bytes 5.24288e+07');
    expect(kubernetesStats(later, first).extra).toMatchObject({
      'process.cpuSeconds': 3.75,
      'process.rssMiB': 50,
    });
    const none = kubernetesStats(snapshot(2, 'scheduler_pending_pods{queue="active"} 0'), first).extra;
    expect(none['process.cpuSeconds']).toBeUndefined();
    expect(none['process.rssMiB']).toBeUndefined();
  });
});

describe('a Job of several pods (an Indexed Job: 2 nodes × 2 tasks)', () => {
  const name = 'sb-x-s0-0';
  const at = (s: number) => `2026-11-30T00:00:${String(s).padStart(2, '0')}Z`;
  const task = (
    index: number,
    node: string,
    start: number,
    end: number,
    over: Partial<KubePod> = {},
  ): KubePod =>
    pod({
      name: `${name}-${index}-x`,
      index: String(index),
      node,
      phase: 'Succeeded',
      created: at(1),
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(start), finishedAt: at(end) } },
      ...over,
    });
  const indexed = (conditions: [string, string?][]): KubeJob => ({
    ...job(conditions),
    cpu: '1',
    memory: '256Mi',
    completions: 4,
  });
  const submitted = [{ id: name, specIndex: 0, name, submittedAt: Date.parse(at(0)) / 1000 }];
  /** The wrapper's lines of task `rank` on `node`, from `start` to `end` (s after the minute). */
  const times = (node: string, start: number, end: number) => {
    const epoch = (s: number) => `${Date.parse(at(0)) + Math.round(s * 1000)}000000`;
    return `node ${node}\nstart ${epoch(start)} ${100 + start}\nend ${epoch(end)} ${100 + end}\n`;
  };

  test('is one record: every node, first start to last end, the CPUs and memory of all its pods', () => {
    const pods = [task(0, 'n1', 2, 6), task(1, 'n1', 2, 7), task(2, 'n2', 4, 8), task(3, 'n2', 5, 9)];
    const { jobs } = jobRecords({ jobs: [indexed([['Complete']])], pods }, submitted, {
      cancelled: new Set(),
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      id: name,
      state: 'COMPLETED',
      exitCode: 0,
      nodes: ['n1', 'n2'],
      startTime: new Date(at(2)).toISOString(),
      endTime: new Date(at(9)).toISOString(),
      elapsedSeconds: 7,
      requestedCpus: 4,
      allocatedCpus: 4,
      // 256 MiB per pod, two pods a node: 512 MiB on each of two nodes.
      requestedMemoryMiB: 1024,
    });
  });

  test("fails as the Job's conditions say, with the failing pod's exit code; the ones that never started add no node", () => {
    const pods = [
      task(0, 'n1', 2, 3, {
        phase: 'Failed',
        state: { terminated: { exitCode: 3, reason: 'Error', startedAt: at(2), finishedAt: at(3) } },
      }),
      task(1, 'n1', 2, 4),
      task(2, 'n2', 0, 0, { node: null, phase: 'Pending', state: null }),
    ];
    const { jobs } = jobRecords({ jobs: [indexed([['Failed', 'BackoffLimitExceeded']])], pods }, submitted, {
      cancelled: new Set(),
    });
    expect(jobs[0]).toMatchObject({
      state: 'FAILED',
      rawState: 'Failed (BackoffLimitExceeded; container Error)',
      exitCode: 3,
      nodes: ['n1'],
      endTime: new Date(at(4)).toISOString(),
      allocatedCpus: 2,
      requestedCpus: 4,
    });
  });

  test('takes the exit code of the pod that failed first, not of the siblings the Job controller ended after it', () => {
    const ended = (index: number, node: string, exitCode: number, end: number) =>
      task(index, node, 2, end, {
        phase: 'Failed',
        state: { terminated: { exitCode, reason: 'Error', startedAt: at(2), finishedAt: at(end) } },
      });
    const pods = [ended(0, 'n1', 137, 6), ended(1, 'n2', 3, 4)];
    const { jobs } = jobRecords({ jobs: [indexed([['Failed', 'BackoffLimitExceeded']])], pods }, submitted, {
      cancelled: new Set(),
    });
    expect(jobs[0]).toMatchObject({ state: 'FAILED', exitCode: 3, nodes: ['n1', 'n2'] });
  });

  test('has its tasks, each with node and times, and their gang skew, from the wrappers’ files', () => {
    const pods = [task(0, 'n1', 2, 6), task(1, 'n1', 2, 7), task(2, 'n2', 4, 8), task(3, 'n2', 5, 9)];
    const collect = {
      objects: { jobs: [indexed([['Complete']])], pods },
      metrics: {},
      times: {
        [`${name}@0`]: times('n1', 2.1, 6),
        [`${name}@1`]: times('n1', 2.2, 7),
        [`${name}@2`]: times('n2', 4.5, 8),
        [`${name}@3`]: times('n2', 5.25, 9.5),
      },
    };
    const run = kubernetesNormaliser.normalise({
      ...outputs,
      submit: { startedAt: at(0), endedAt: at(1), jobs: submitted },
      wait: { timedOut: false, waitedSeconds: 10 },
      collect: JSON.stringify(collect),
    });
    const record = run.jobs[0];
    expect(record?.tasks?.map((t) => [t.rank, t.node])).toEqual([
      [0, 'n1'],
      [1, 'n1'],
      [2, 'n2'],
      [3, 'n2'],
    ]);
    expect(record?.gangSkewSeconds).toBeCloseTo(3.15, 6);
    // The job's precise times: its first task's start, its last task's end.
    expect(record?.precise?.startEpochS).toBeCloseTo(Date.parse(at(0)) / 1000 + 2.1, 6);
    expect(record?.precise?.endEpochS).toBeCloseTo(Date.parse(at(0)) / 1000 + 9.5, 6);
    expect(record?.nodes).toEqual(['n1', 'n2']);
  });
});
