// Whether a prefix holds a Flux installation schedbench can stand up: flux-core's `bin/flux` and Fluxion's
// `sched-fluxion-qmanager` / `-resource` broker modules. Read on the machine running the program (netns nodes
// share its filesystem); other backends check the same on every node in the install stage (install-check.sh).
import { existsSync, readdirSync } from 'fs';
import * as path from 'path';

/** The Fluxion modules a prefix must hold. */
export const FLUXION_MODULES = ['sched-fluxion-qmanager', 'sched-fluxion-resource'] as const;

/** What is missing under `prefix` (empty when it is a Flux installation with Fluxion). */
export function missingFluxParts(prefix: string): string[] {
  const missing: string[] = [];
  if (!existsSync(path.join(prefix, 'bin', 'flux'))) missing.push(`${prefix}/bin/flux`);
  const moduleDirs = ['lib', 'lib64']
    .map((lib) => path.join(prefix, lib, 'flux', 'modules'))
    .filter((dir) => existsSync(dir));
  const modules = new Set(moduleDirs.flatMap((dir) => readdirSync(dir)));
  for (const m of FLUXION_MODULES) {
    if (!modules.has(`${m}.so`)) missing.push(`the ${m} module (${prefix}/lib/flux/modules/${m}.so)`);
  }
  return missing;
}
