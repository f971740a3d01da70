// The Kubernetes rendering of a run's JobSpecs (render.ts): every Job is Guaranteed, never retried, bounded by the same
// whole-minute limit as the other schedulers, runs the wrapper from the imported image, and names and labels fit
// Kubernetes' limits.
import { expandWorkload } from '../../../workloads/catalog';
import { jobTimeLimitMinutes } from '../../../components/jobs/spec';
import {
  BENCH_NAMESPACE,
  JOB_NAME_LABEL,
  jobNamePrefix,
  PRIORITY_CLASSES,
  renderJob,
  renderJobTemplates,
  RUN_LABEL,
  runLabelOf,
  SPEC_LABEL,
} from '../../../components/kubernetes/render';
import type { JobSpec } from '../../../components/jobs/spec';
import { JOB_WRAPPER } from '../../../components/jobs/wrapper';
import { z } from 'zod';

const args = {
  image: 'schedbench.local/stress-ng:bookworm',
  runLabel: 'abcdef012345',
  jobFilesDir: '/x/jobs/out/r',
  timeoutFactor: 3,
};
const stress: JobSpec = {
  count: 4,
  nodes: 1,
  tasksPerNode: 1,
  priority: 'normal' as const,
  cpus: 2,
  memoryMiB: 512,
  expectedSeconds: 30,
  kind: 'stress',
  args: ['--cpu', '2', '--timeout', '30s'],
  arrival: { offsetSeconds: 1, intervalSeconds: 0.5 },
};

describe('renderJob', () => {
  const job = renderJob(stress, 2, args);
  // The manifest as the apiserver receives it (JSON), typed for the assertions.
  const plain = JSON.parse(JSON.stringify(job)) as { spec: { backoffLimit: number; template: unknown } };
  const podSpec = plain.spec.template as {
    metadata: { labels: Record<string, string> };
    spec: {
      restartPolicy: string;
      activeDeadlineSeconds: number;
      containers: {
        image: string;
        imagePullPolicy: string;
        command: string[];
        env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
        resources: { requests: Record<string, string>; limits: Record<string, string> };
        volumeMounts: { mountPath: string }[];
      }[];
      volumes: { hostPath: { path: string; type: string } }[];
    };
  };
  const container = podSpec.spec.containers[0];

  test('asks for Guaranteed QoS: requests equal limits, in Kubernetes quantities', () => {
    expect(container?.resources.requests).toEqual({ cpu: '2', memory: '512Mi' });
    expect(container?.resources.limits).toEqual(container?.resources.requests);
  });

  test('never retries and bounds the pod by the limit every scheduler gets', () => {
    expect(plain.spec.backoffLimit).toBe(0);
    expect(podSpec.spec.restartPolicy).toBe('Never');
    expect(podSpec.spec.activeDeadlineSeconds).toBe(jobTimeLimitMinutes(stress, 3) * 60);
    expect(podSpec.spec.activeDeadlineSeconds).toBe(120);
  });

  test('runs the wrapper from the imported image with the spec as arguments, never pulling', () => {
    expect(container?.image).toBe(args.image);
    expect(container?.imagePullPolicy).toBe('Never');
    expect(container?.command).toEqual([
      'bash',
      '-c',
      JOB_WRAPPER,
      'job.sh',
      '/schedbench/out',
      'JOB_ID',
      'stress',
      ...stress.args,
    ]);
    expect(JOB_WRAPPER).toMatch(/^#!\/bin\/bash/);
    expect(container?.env[0]?.valueFrom.fieldRef.fieldPath).toBe(
      "metadata.labels['batch.kubernetes.io/job-name']",
    );
  });

  test("writes the wrapper's files to the node's job files directory", () => {
    expect(podSpec.spec.volumes[0]?.hostPath).toEqual({ path: args.jobFilesDir, type: 'DirectoryOrCreate' });
    expect(container?.volumeMounts[0]?.mountPath).toBe('/schedbench/out');
  });

  test('labels the Job and its pods with the run and the spec, in the benchmark namespace', () => {
    expect(job.metadata).toEqual({
      namespace: BENCH_NAMESPACE,
      labels: { [RUN_LABEL]: 'abcdef012345', [SPEC_LABEL]: '2' },
    });
    expect(podSpec.metadata.labels).toEqual({ [RUN_LABEL]: 'abcdef012345', [SPEC_LABEL]: '2' });
  });
});

/** What the tests read of a rendered Job, as the apiserver receives it (JSON). */
const Rendered = z.object({
  spec: z.object({
    backoffLimit: z.number(),
    completionMode: z.string().optional(),
    completions: z.number(),
    parallelism: z.number(),
    template: z.object({
      spec: z.looseObject({
        priorityClassName: z.string(),
        affinity: z.unknown().optional(),
        topologySpreadConstraints: z.unknown().optional(),
        containers: z.array(
          z.looseObject({
            env: z.array(
              z.object({
                name: z.string(),
                value: z.string().optional(),
                valueFrom: z.object({ fieldRef: z.object({ fieldPath: z.string() }) }).optional(),
              }),
            ),
            resources: z.object({
              requests: z.record(z.string(), z.string()),
              limits: z.record(z.string(), z.string()),
            }),
          }),
        ),
      }),
    }),
  }),
});
const rendered = (over: Partial<JobSpec>) => {
  const job = Rendered.parse(JSON.parse(JSON.stringify(renderJob({ ...stress, ...over }, 0, args))));
  const pod = job.spec.template.spec;
  const env = Object.fromEntries(
    (pod.containers[0]?.env ?? []).map((e) => [
      e.name,
      e.value ?? `<${e.valueFrom?.fieldRef.fieldPath ?? ''}>`,
    ]),
  );
  return { job: job.spec, pod, env, resources: pod.containers[0]?.resources };
};
/** The pods of one Job, as every placement rule selects them: the run's label and the Job's own name label. */
const term = {
  labelSelector: { matchLabels: { 'schedbench.io/run': args.runLabel } },
  matchLabelKeys: [JOB_NAME_LABEL],
  topologyKey: 'kubernetes.io/hostname',
};

describe('renderJob: jobs of several tasks', () => {
  test('a job of one task is one pod, placed anywhere, that tells the wrapper its node', () => {
    const { job, pod, env } = rendered({});
    expect(job).toMatchObject({ backoffLimit: 0, completions: 1, parallelism: 1 });
    expect(job.completionMode).toBeUndefined();
    expect([pod.affinity, pod.topologySpreadConstraints]).toEqual([undefined, undefined]);
    expect(env).toEqual({
      JOB_ID: `<metadata.labels['${JOB_NAME_LABEL}']>`,
      NODE_NAME: '<spec.nodeName>',
      SCHEDBENCH_NODE_VAR: 'NODE_NAME',
    });
  });

  test('2 nodes × 2 tasks: an Indexed Job of 4 Guaranteed pods, spread at most 2 to a node, ranks from the index', () => {
    const { job, pod, env, resources } = rendered({ nodes: 2, tasksPerNode: 2, cpus: 1, memoryMiB: 512 });
    expect(job).toMatchObject({ backoffLimit: 0, completionMode: 'Indexed', completions: 4, parallelism: 4 });
    // One task's share: its CPUs, its node's memory ÷ tasks per node.
    expect(resources).toEqual({
      requests: { cpu: '1', memory: '256Mi' },
      limits: { cpu: '1', memory: '256Mi' },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: term.labelSelector,
        matchLabelKeys: term.matchLabelKeys,
      },
    ]);
    expect(pod.affinity).toBeUndefined();
    expect(env).toMatchObject({
      SCHEDBENCH_TASK_VAR: 'JOB_COMPLETION_INDEX',
      SCHEDBENCH_NODE_VAR: 'NODE_NAME',
    });
  });

  test('n nodes × 1 task: one pod per node (required anti-affinity to its own pods)', () => {
    const { job, pod } = rendered({ nodes: 3, tasksPerNode: 1 });
    expect(job).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    expect(pod.affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] },
    });
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });

  test('1 node × 3 tasks: every pod on the node of the others (required affinity), memory in KiB when it must', () => {
    const { job, pod, resources } = rendered({ nodes: 1, tasksPerNode: 3, cpus: 1, memoryMiB: 512 });
    expect(job).toMatchObject({ completionMode: 'Indexed', completions: 3 });
    expect(pod.affinity).toEqual({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
    // 512 MiB ÷ 3 = 174762.67 KiB: the tasks together never ask for more than the node's share.
    expect(resources?.requests.memory).toBe('174762Ki');
  });

  test('each priority is its PriorityClass', () => {
    for (const priority of ['low', 'normal', 'high'] as const)
      expect(rendered({ priority }).pod.priorityClassName).toBe(PRIORITY_CLASSES[priority].name);
    expect(PRIORITY_CLASSES.low.value).toBeLessThan(PRIORITY_CLASSES.normal.value);
    expect(PRIORITY_CLASSES.normal.value).toBeLessThan(PRIORITY_CLASSES.high.value);
  });
});

describe('renderJobTemplates', () => {
  test("has every spec's Job at the spec's index, as submit.sh reads the neutral plan's specIndex", () => {
    const specs = expandWorkload('mixed', { nodes: 2, vcpus: 4, memoryGiB: 8 });
    const templates = renderJobTemplates(specs, args);
    expect(templates).toHaveLength(specs.length);
    specs.forEach((spec, i) => expect(templates[i]).toEqual(renderJob(spec, i, args)));
  });
});

describe('run label and Job names', () => {
  test('are short, stable per slug and different between slugs', () => {
    const slug = '20261130T235557Z_8614173a5476.a-very-long-stack-name-for-a-campaign.memory_intensive-r12';
    expect(runLabelOf(slug)).toMatch(/^[0-9a-f]{12}$/);
    expect(runLabelOf(slug)).toBe(runLabelOf(slug));
    expect(runLabelOf(`${slug}x`)).not.toBe(runLabelOf(slug));
    // The longest name a run makes (spec 99, copy 99,999) is a DNS label the Job controller can use as a pod label.
    const longest = `${jobNamePrefix(runLabelOf(slug))}s99-99999`;
    expect(longest.length).toBeLessThanOrEqual(63);
    expect(longest).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
