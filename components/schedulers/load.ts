// Loads a scheduler folder's component (cluster.ts, and with it the Pulumi SDK) when a stack stands it up — and
// only then: the module objects are used by `validate`, campaign plans and the result writer, which must start at
// once. The path is computed at run time, so bundlers (the result writer's, the CLI's) do not follow it either.
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';

export function loadComponent<Module>(folder: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  return require(path.join(REPO_ROOT, 'components', folder, 'cluster')) as Module;
}
