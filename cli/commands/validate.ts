// `schedbench validate <stack file>`: exit 0 with a one-line summary, or exit 1 with every error.
import type { Command } from 'commander';
import { parseConfig, formatErrors } from '../../components/config/parse';
import { readStackFile } from '../../components/config/stackfile';
import { summarize } from '../../components/config/summary';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a stack file (Pulumi.<stack>.yaml) against the config schema; nothing is created')
    .argument('<stack-file>', 'path to Pulumi.<stack>.yaml')
    .action((file: string) => {
      const { stack, config } = readStackFile(file);
      const result = parseConfig(config, stack);
      if (!result.ok) {
        process.stderr.write(`${file}: ${result.errors.length} error(s)\n${formatErrors(result.errors)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`ok: ${summarize(result.config)}\n`);
    });
}
