// The `schedbench:slurm` config section: options of the SLURM cluster component.
import { z } from 'zod';
import { safeName } from '../config/names';

export const SLURM_TUNINGS = ['default', 'htc'] as const;

export const SlurmOptions = z
  .strictObject({
    /** Partition every node belongs to. */
    partition: safeName('slurm.partition').default('batch'),
    /**
     * `default`: SLURM's shipped scheduling parameters (but for backfillIntervalSeconds). `htc`: the High Throughput
     * Computing guide's settings (short MinJobAge, batch_sched_delay=0, deeper queue, max_rpc_cnt, …) to benchmark a
     * tuned SLURM.
     */
    tuning: z.enum(SLURM_TUNINGS).default('default'),
    /**
     * Seconds between backfill passes (SchedulerParameters bf_interval). Default 1: SLURM's own default, 30 s, is
     * longer than most runs here, so short jobs would start in a hole only by chance.
     */
    backfillIntervalSeconds: z.number().int().min(1).max(10800).default(1),
    /**
     * First of the four TCP ports of this cluster (slurmctld, slurmd, slurmdbd, MariaDB = base … base+3).
     * Default: derived from the cluster name, so two clusters on the same machines do not collide.
     */
    basePort: z.number().int().min(1024).max(65532).optional(),
    /** Seconds without an answer from slurmd before slurmctld sets the node DOWN (and its jobs NODE_FAIL). */
    slurmdTimeoutSeconds: z.number().int().min(5).max(3600).default(10),
    /** Seconds a daemon gets to exit after SIGTERM before it is sent SIGKILL. */
    stopTimeoutSeconds: z.number().int().min(1).max(300).default(10),
    /** Seconds validation waits for the controller to answer, every node to be idle and the validation jobs. */
    validateTimeoutSeconds: z.number().int().min(10).max(3600).default(60),
  })
  .default({
    partition: 'batch',
    tuning: 'default',
    backfillIntervalSeconds: 1,
    slurmdTimeoutSeconds: 10,
    stopTimeoutSeconds: 10,
    validateTimeoutSeconds: 60,
  });
export type SlurmOptions = z.infer<typeof SlurmOptions>;
