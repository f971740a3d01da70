// `schedbench campaign <stack file>`: one `up` per scheduler in `schedulerOrder` (each its own stack), a
// `destroy` after each when `autoTeardown` is on, then one analysis over every result.
import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { planCampaign } from '../../components/config/campaign';
import { ConfigValidationError, parseConfig } from '../../components/config/parse';
import { readStackFile } from '../../components/config/stackfile';

const REPO = path.join(__dirname, '..', '..');

function runStep(operation: 'up' | 'destroy', stack: string, configFile: string): boolean {
  const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
  const result = spawnSync(
    tsx,
    [path.join(REPO, 'cli', 'pulumi.ts'), operation, '--stack', stack, '--config-file', configFile, '--yes'],
    {
      cwd: REPO,
      stdio: 'inherit',
    },
  );
  return result.status === 0;
}

export function registerCampaign(program: Command): void {
  program
    .command('campaign')
    .description(
      'Stand the stack up once per scheduler in schedulerOrder (tearing each down when autoTeardown), then analyse all results',
    )
    .argument('<stack-file>', 'path to Pulumi.<stack>.yaml')
    .option('--dry-run', 'print the plan and stop')
    .action((file: string, options: { dryRun?: boolean }) => {
      const { stack, config: raw } = readStackFile(file);
      const parsed = parseConfig(raw, stack);
      if (!parsed.ok) throw new ConfigValidationError(stack, parsed.errors);
      const steps = planCampaign(parsed.config, raw);
      for (const step of steps) {
        const what = step.available
          ? `up${step.teardown ? ', then destroy' : ''}`
          : `skipped: ${step.reason}`;
        process.stdout.write(`campaign: ${step.scheduler.padEnd(10)} stack ${step.stack}: ${what}\n`);
      }
      if (options.dryRun === true) return;
      const dir = path.join(REPO, '.schedbench', 'campaign');
      mkdirSync(dir, { recursive: true });
      const failed: string[] = [];
      for (const step of steps.filter((s) => s.available)) {
        const configFile = path.join(dir, `Pulumi.${step.stack}.yaml`);
        writeFileSync(configFile, stringify({ config: step.config }));
        if (!runStep('up', step.stack, configFile))
          failed.push(`${step.stack}: up failed (results already written stay on disk)`);
        if (step.teardown && !runStep('destroy', step.stack, configFile))
          failed.push(`${step.stack}: destroy failed`);
      }
      const resultsDir = path.resolve(REPO, parsed.config.resultsDir);
      const analysis = spawnSync(
        process.execPath,
        [
          path.join(REPO, 'bin', 'schedbench.js'),
          'analyze',
          resultsDir,
          '--out',
          path.join(resultsDir, 'analysis', 'campaign'),
        ],
        {
          stdio: 'inherit',
        },
      );
      if (analysis.status !== 0) failed.push('analysis failed');
      for (const line of failed) process.stderr.write(`campaign: ${line}\n`);
      process.exitCode = failed.length === 0 ? 0 : 1;
    });
}
