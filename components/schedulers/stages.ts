// What every scheduler component's stages share: the resource options of a stand-up stage, what install and validate
// stages report (zod at the edge of their stdout), and the factory of a run's stage commands on one node. The node
// side of the same stages is the stage library, components/stages.sh. Loads no Pulumi code (types only).
import type * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import type { Node } from '../nodes/types';
import type { StageCommand } from './contract';

/** What every install stage reports of its node, for provenance: the stage library's `machine_facts`. */
export const MachineFacts = z.strictObject({
  os: z.string(),
  kernel: z.string(),
  host: z.string(),
  /** CPUs of the machine the node runs on (all netns nodes share the host's). */
  hostCpus: z.number().int().positive(),
});
export type MachineFacts = z.infer<typeof MachineFacts>;

/** What an install stage that installs packages reports: their versions by name, and the machine facts. */
export const InstallInfo = MachineFacts.extend({ packages: z.record(z.string(), z.string()) });
export type InstallInfo = z.infer<typeof InstallInfo>;

/**
 * `remote.Command` options every stand-up stage shares: its component as parent, the stages it follows, and
 * replacements that delete first (the scripts reuse fixed paths and ports, so old and new cannot run side by side).
 */
export function stageOptions(
  parent: pulumi.Resource,
  dependsOn: pulumi.Input<pulumi.Resource>[],
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  return { parent, dependsOn, deleteBeforeReplace: true, ...extra };
}

/** A stage's stdout, one JSON document, as the type `schema` says (a stage that printed anything else fails here). */
export function stageOutput<T>(stdout: pulumi.Output<string>, schema: z.ZodType<T>): pulumi.Output<T> {
  return stdout.apply((out) => schema.parse(JSON.parse(out)));
}

/** What every validate stage prints: `{"validated":true,"<scheduler>Version":"…",…}`. */
const ValidateReport = z.looseObject({ validated: z.literal(true) });

/** The scheduler version a validate stage reports under `key` (e.g. `slurmVersion`). */
export function validatedVersion(stdout: pulumi.Output<string>, key: string): pulumi.Output<string> {
  return stdout.apply((out) => {
    const report = ValidateReport.parse(JSON.parse(out));
    const version = z.string().safeParse(report[key]);
    if (!version.success) throw new Error(`the validate stage reports no ${key}: ${out}`);
    return version.data;
  });
}

/** A run stage command: its script's text, its own environment and, optionally, what its delete runs. */
export type StageCommandOn = (
  create: string,
  environment?: StageCommand['environment'],
  del?: string,
) => StageCommand;

/**
 * The factory of a run's stage commands on `node` (the node that talks to the scheduler): each command gets `base`
 * — what every script of the run needs to reach the scheduler, and the run's skip — under its own environment.
 */
export function stageCommandsOn(node: Node, base: StageCommand['environment']): StageCommandOn {
  return (create, environment = {}, del) => ({
    node,
    create,
    ...(del === undefined ? {} : { delete: del }),
    environment: { ...base, ...environment },
  });
}
