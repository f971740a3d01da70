// A run's JobSpecs in Kubernetes' language: one batch/v1 Job template per spec (Guaranteed QoS, no retries, the
// workload image, the job wrapper writing its times and stress-ng's metrics to a hostPath), typed with
// @pulumi/kubernetes' input types. Pure: the submit stage (scripts/submit.sh) names the copies and creates them
// following the arrival pattern; the apiserver validates them strictly (`kubectl create --validate=strict`).
import type * as k8s from '@pulumi/kubernetes';
import { createHash } from 'crypto';
import { jobTimeLimitMinutes, type JobSpec } from '../jobs/spec';
import { JOB_WRAPPER } from '../jobs/wrapper';

/** The namespace every benchmark Job runs in. */
export const BENCH_NAMESPACE = 'schedbench';
/** The PriorityClass of every benchmark pod (one of the cluster's objects: objects.ts). */
export const PRIORITY_CLASS = 'schedbench-job';
/** Label of every object of one run: a digest of the run's slug (label values are short). */
export const RUN_LABEL = 'schedbench.io/run';
/** Label with the index of the spec a Job was rendered from. */
export const SPEC_LABEL = 'schedbench.io/spec';
/** Label the Job controller puts on a Job's pods. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** Where the job's files directory of its node appears inside the container. */
export const CONTAINER_OUT_DIR = '/schedbench/out';

export type JobManifest = k8s.types.input.batch.v1.Job;

/** One spec's entry of the submit plan: when its copies arrive and the Job every copy is made from. */
export interface PlannedSpec {
  specIndex: number;
  count: number;
  offsetSeconds: number;
  intervalSeconds: number;
  job: JobManifest;
}

export interface RenderJobArgs {
  /** Image reference of the workload image (imported on every node). */
  image: string;
  /** The run's label value (runLabelOf). */
  runLabel: string;
  /** The job files directory on the node (RunStages.jobFilesDir). */
  jobFilesDir: string;
  timeoutFactor: number;
}

/** A CPU count as a Kubernetes quantity. */
const cpuQuantity = (cpus: number): string => String(cpus);
/** MiB as a Kubernetes quantity. */
const memoryQuantity = (mib: number): string => `${mib}Mi`;

/**
 * The Job of spec `specIndex` (without a name: the submit stage names each copy). Requests equal limits, so every
 * pod is Guaranteed; `backoffLimit: 0` and `restartPolicy: Never`, so a failure is recorded, never retried; the
 * pod's `activeDeadlineSeconds` is the same whole-minute limit every scheduler gets (it counts from the pod's
 * start on its node, as SLURM's and Flux's limits count from the job's start).
 */
export function renderJob(spec: JobSpec, specIndex: number, args: RenderJobArgs): JobManifest {
  const labels = { [RUN_LABEL]: args.runLabel, [SPEC_LABEL]: String(specIndex) };
  const resources = { cpu: cpuQuantity(spec.cpus), memory: memoryQuantity(spec.memoryMiB) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { namespace: BENCH_NAMESPACE, labels },
    spec: {
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          priorityClassName: PRIORITY_CLASS,
          activeDeadlineSeconds: jobTimeLimitMinutes(spec, args.timeoutFactor) * 60,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'job',
              image: args.image,
              imagePullPolicy: 'Never',
              // The one job wrapper, run by bash inside the image; JOB_ID below gives it the Job's name.
              command: [
                'bash',
                '-c',
                JOB_WRAPPER,
                'job.sh',
                CONTAINER_OUT_DIR,
                'JOB_ID',
                spec.kind,
                ...spec.args,
              ],
              env: [
                {
                  name: 'JOB_ID',
                  valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_NAME_LABEL}']` } },
                },
              ],
              resources: { requests: resources, limits: resources },
              volumeMounts: [{ name: 'out', mountPath: CONTAINER_OUT_DIR }],
            },
          ],
          // The run loop makes it before submitting; the kubelet makes it if a resumed run finds it gone.
          volumes: [{ name: 'out', hostPath: { path: args.jobFilesDir, type: 'DirectoryOrCreate' } }],
        },
      },
    },
  };
}

/** The submit plan of a run (PLAN of submit.sh, JSON): one entry per spec, in spec order. */
export function renderJobPlan(specs: readonly JobSpec[], args: RenderJobArgs): PlannedSpec[] {
  return specs.map((spec, specIndex) => ({
    specIndex,
    count: spec.count,
    offsetSeconds: spec.arrival.offsetSeconds,
    intervalSeconds: spec.arrival.intervalSeconds,
    job: renderJob(spec, specIndex, args),
  }));
}

/**
 * A run's label value and job name prefix from its slug: 12 hex digits of its SHA-256 (a slug is longer than a
 * label value or a Job name may be). Job names are `sb-<label>-s<spec>-<copy>`: DNS labels of ≤ 63 characters,
 * as the Job controller's pod label requires.
 */
export function runLabelOf(slug: string): string {
  return createHash('sha256').update(slug).digest('hex').slice(0, 12);
}

/** Prefix of every Job name of the run with label `runLabel`. */
export const jobNamePrefix = (runLabel: string): string => `sb-${runLabel}-`;
