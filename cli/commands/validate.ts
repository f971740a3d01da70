// `schedbench validate <stack file>`: exit 0 with a one-line summary, or exit 1 with every error.
import type { Command } from 'commander';
import { parseConfig, formatErrors } from '../../components/config/parse';
import { readStackFile } from '../../components/config/stackfile';
import { summarize } from '../../components/config/summary';
import { thisHost } from '../../components/nodes/host-facts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a stack file (Pulumi.<stack>.yaml) against the config schema and what this host and its scheduler can honour; nothing is created',
    )
    .argument('<stack-file>', 'path to Pulumi.<stack>.yaml')
    .action(async (file: string) => {
      // Admission asks the scheduler registry, which loads the Pulumi SDK (≈ 0.7 s): not for `schedbench --help`.
      const { admissionErrors } = await import('../../components/config/admission');
      const { stack, config } = readStackFile(file);
      const result = parseConfig(config, stack);
      const errors = result.ok ? admissionErrors(result.config, thisHost()) : result.errors;
      if (!result.ok || errors.length > 0) {
        process.stderr.write(`${file}: ${errors.length} error(s)\n${formatErrors(errors)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`ok: ${summarize(result.config)}\n`);
    });
}
