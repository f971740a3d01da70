// Which Kubernetes provider plugin the in-cluster objects' Provider asks the engine for. The @pulumi/kubernetes
// SDK asks for its own version (4.34.2); the engine built from Go modules (cli/engine/build.sh) has the provider
// only at the pseudo-version the module proxy serves (docs/engine.md). The CLI front end (cli/pulumi.ts), which
// runs the program in its own process, says which in SCHEDBENCH_KUBERNETES_PLUGIN_VERSION when it drives that
// engine; unset (the official CLI, the local runner), the SDK's own version stands.
import { z } from 'zod';
import { pluginVersionVariable } from '../schedulers/module';

export const PLUGIN_VERSION_VARIABLE = pluginVersionVariable('kubernetes');

/** A semantic version without the leading `v`, pre-release and build parts included. */
const PluginVersion = z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/);

/** The plugin version to pin, or undefined to keep the SDK's. */
export function kubernetesPluginVersion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[PLUGIN_VERSION_VARIABLE];
  if (value === undefined || value === '') return undefined;
  const parsed = PluginVersion.safeParse(value.replace(/^v/, ''));
  if (!parsed.success)
    throw new Error(
      `${PLUGIN_VERSION_VARIABLE}=${JSON.stringify(value)}: not a plugin version (expected e.g. 4.34.2 or 4.0.0-20260115033456-f47bc2d6f199)`,
    );
  return parsed.data;
}
