// Parsing of the analysis CLI's structured options (objectives and the power model), zod at the edge.
import { z } from 'zod';
import type { PowerModel } from './metrics-energy';
import { parseObjective, type Objective } from './pareto';

const ObjectivesJson = z
  .array(z.strictObject({ metric: z.string().min(1), direction: z.enum(['min', 'max']) }))
  .min(1);

const PowerJson = z.strictObject({
  idleWatts: z.number().nonnegative(),
  maxWatts: z.number().nonnegative(),
  /** Host cores; absent: the cluster is taken to be the whole host. */
  cores: z.number().int().positive().nullable().optional(),
});

/** Objectives from repeated `--objective m:dir` and/or `--objectives-json '[{"metric":…,"direction":…}]'`. */
export function objectivesFrom(flags: readonly string[], json: string | undefined): Objective[] | undefined {
  const fromFlags = flags.map(parseObjective);
  const fromJson = json === undefined || json.trim() === '' ? [] : ObjectivesJson.parse(JSON.parse(json));
  const all = [...fromFlags, ...fromJson];
  return all.length ? all : undefined;
}

/**
 * Power model from `--power-json '{"idleWatts":…,"maxWatts":…,"cores":…}'` (the stack's `host.power`); none when
 * absent — energy is then measured or not at all, never estimated with another machine's model.
 */
export function powerFrom(json: string | undefined): PowerModel | undefined {
  if (json === undefined || json.trim() === '') return undefined;
  const p = PowerJson.parse(JSON.parse(json));
  if (p.maxWatts < p.idleWatts) throw new Error('power model: maxWatts must be ≥ idleWatts');
  const cores = p.cores ?? null;
  return {
    idleWatts: p.idleWatts,
    maxWatts: p.maxWatts,
    cores,
    source: `config host.power: idle ${p.idleWatts} W, max ${p.maxWatts} W, ${cores === null ? 'the cluster taken as the whole host' : `${cores} host cores`}`,
  };
}
