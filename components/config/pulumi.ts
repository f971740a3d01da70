// The program's config edge: Pulumi's config for this stack → BenchConfig, or a RunError listing every mistake —
// and everything this host or a scheduler cannot honour (components/config/admission.ts) — thrown before any
// resource is registered.
import * as pulumi from '@pulumi/pulumi';
import { BenchConfig } from './schema';
import { formatErrors, parseConfig, type ConfigError } from './parse';
import { admissionErrors } from './admission';
import { thisHost } from '../nodes/host-facts';

export function loadStackConfig(): BenchConfig {
  const stack = pulumi.getStack();
  const result = parseConfig(pulumi.runtime.allConfig(), stack);
  const errors: ConfigError[] = result.ok ? admissionErrors(result.config, thisHost()) : result.errors;
  if (!result.ok || errors.length > 0) {
    throw new pulumi.RunError(
      `invalid config for stack ${stack} (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was created:\n${formatErrors(errors)}`,
    );
  }
  return result.config;
}
