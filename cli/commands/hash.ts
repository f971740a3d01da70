// `schedbench hash <stack file>`: the config hash and the run id an `up` started now would get.
import type { Command } from 'commander';
import { configHash } from '../../components/config/identity';
import { formatRunId, utcStamp } from '../../results/vocabulary';
import { loadConfig } from '../../components/config/parse';
import { readStackFile } from '../../components/config/stackfile';

export function registerHash(program: Command): void {
  program
    .command('hash')
    .description('Print the config hash of a stack file and the run id an `up` started now would get')
    .argument('<stack-file>', 'path to Pulumi.<stack>.yaml')
    .option('--json', 'print one JSON document instead of two lines')
    .action((file: string, options: { json?: boolean }) => {
      const { stack, config } = readStackFile(file);
      const hash = configHash(loadConfig(config, stack));
      const id = formatRunId(utcStamp(new Date()), hash);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ stack, configHash: hash, runId: id })}\n`);
      } else {
        process.stdout.write(
          `config hash: ${hash}\nrun id:      ${id}  (the timestamp is fixed when \`up\` first runs)\n`,
        );
      }
    });
}
