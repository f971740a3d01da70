// The `schedbench:flux` config section: options of the Flux cluster component (flux-core + Fluxion from an
// existing installation — schedbench never downloads or builds Flux).
import { z } from 'zod';

/** Fluxion's queueing policies (flux-config-sched-fluxion-qmanager(5)). */
export const FLUX_QUEUE_POLICIES = ['fcfs', 'easy', 'conservative', 'hybrid'] as const;
/** Fluxion's built-in match policies (flux-config-sched-fluxion-resource(5)). */
export const FLUX_MATCH_POLICIES = [
  'first',
  'firstnodex',
  'low',
  'high',
  'lonode',
  'hinode',
  'lonodex',
  'hinodex',
] as const;

/** The environment variable a stack without `schedbench:flux.prefix` takes the prefix from. */
export const FLUX_PREFIX_ENV = 'SCHEDBENCH_FLUX_PREFIX';

const absolutePath = (what: string) =>
  z.string().regex(/^\/[A-Za-z0-9._+/-]*$/, {
    message: `${what} must be an absolute path of letters, digits and _ . + / - (no spaces, quotes or '$')`,
  });

/**
 * An unset key takes the environment variable, so the resolved prefix is in the config (and its hash). zod's
 * default is typed as always there; the pipe that follows validates it and restores `undefined` to the type.
 */
const prefixFromEnv = (): string => process.env[FLUX_PREFIX_ENV] || (undefined as unknown as string);

export const FluxOptions = z
  .strictObject({
    /**
     * Where flux-core and flux-sched (Fluxion) are installed on every node, one prefix holding `bin/flux` and
     * the `sched-fluxion-*` modules (a Spack view, a site's module prefix, `make install --prefix`). For netns
     * nodes that is this machine's. Default: the environment variable SCHEDBENCH_FLUX_PREFIX.
     */
    prefix: z
      .string()
      .optional()
      .default(prefixFromEnv)
      .transform((v): string | undefined => v || undefined)
      .pipe(absolutePath('flux.prefix').optional()),
    /** A tarball of such an installed prefix (paths inside relative to `/`) for VM images to unpack. */
    tarball: absolutePath('flux.tarball').optional(),
    /** Fluxion's queueing policy (sched-fluxion-qmanager `queue-policy`); default `fcfs` (Fluxion's own). */
    queuePolicy: z.enum(FLUX_QUEUE_POLICIES).default('fcfs'),
    /** Fluxion's match policy (sched-fluxion-resource `match-policy`); default `first` (Fluxion's own). */
    matchPolicy: z.enum(FLUX_MATCH_POLICIES).default('first'),
    /** TCP port of every broker's overlay endpoint. Default: derived from the cluster name. */
    port: z.number().int().min(1024).max(65535).optional(),
    /** Seconds `flux shutdown` and a broker's SIGTERM get before what is left is killed. */
    stopTimeoutSeconds: z.number().int().min(1).max(300).default(20),
    /** Seconds validation waits for every broker to come online and the validation job to finish. */
    validateTimeoutSeconds: z.number().int().min(10).max(3600).default(90),
  })
  // A function default: an absent section still takes the prefix from the environment at parse time.
  .default(() => ({
    prefix: prefixFromEnv() || undefined,
    queuePolicy: 'fcfs' as const,
    matchPolicy: 'first' as const,
    stopTimeoutSeconds: 20,
    validateTimeoutSeconds: 90,
  }));
export type FluxOptions = z.infer<typeof FluxOptions>;
