// The Kubernetes rendering of a run's JobSpecs (render.ts): every Job is Guaranteed, never retried, bounded by the same
// whole-minute limit as the other schedulers, runs the wrapper from the imported image, and names and labels fit
// Kubernetes' limits.
import { expandWorkload } from '../../../workloads/catalog';
import { jobTimeLimitMinutes } from '../../../components/jobs/spec';
import {
  BENCH_NAMESPACE,
  jobNamePrefix,
  renderJob,
  renderJobTemplates,
  RUN_LABEL,
  runLabelOf,
  SPEC_LABEL,
} from '../../../components/kubernetes/render';
import type { JobSpec } from '../../../components/jobs/spec';
import { JOB_WRAPPER } from '../../../components/jobs/wrapper';

const args = {
  image: 'schedbench.local/stress-ng:bookworm',
  runLabel: 'abcdef012345',
  jobFilesDir: '/x/jobs/out/r',
  timeoutFactor: 3,
};
const stress: JobSpec = {
  count: 4,
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
