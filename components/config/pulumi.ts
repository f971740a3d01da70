// The program's config edge: Pulumi's config for this stack → BenchConfig, or a RunError listing every mistake
// (thrown before any resource is registered).
import * as pulumi from '@pulumi/pulumi';
import { BenchConfig } from './schema';
import { formatErrors, parseConfig } from './parse';

export function loadStackConfig(): BenchConfig {
  const stack = pulumi.getStack();
  const result = parseConfig(pulumi.runtime.allConfig(), stack);
  if (!result.ok) {
    throw new pulumi.RunError(
      `invalid config for stack ${stack} (${result.errors.length} error${result.errors.length === 1 ? '' : 's'}); nothing was created:\n${formatErrors(result.errors)}`,
    );
  }
  return result.config;
}
