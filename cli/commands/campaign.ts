// `schedbench campaign <stack file>`: one `up` per step of the scheduler × profile matrix (each its own stack,
// all under one campaign id), a `destroy` after each when `autoTeardown` is on, then one analysis over every
// result. `--dry-run` prints the matrix and stops.
import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { campaignIdFor, planCampaign, type CampaignStep } from '../../components/config/campaign';
import { configHash } from '../../components/config/identity';
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

/** The campaign as a table, one step a line, in the order it runs. */
export function renderMatrix(campaignId: string, steps: readonly CampaignStep[]): string {
  const rows = [
    ['#', 'scheduler', 'profile', 'workloads', 'stack', 'then'],
    ...steps.map((s, i) => [
      String(i + 1),
      s.scheduler,
      s.profile,
      s.workloads.join(', '),
      s.stack,
      s.available ? (s.teardown ? 'up, destroy' : 'up') : `skipped: ${s.reason}`,
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return `campaign ${campaignId}: ${steps.length} steps\n${lines.join('\n')}\n`;
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
      const campaignId = campaignIdFor(configHash(parsed.config), new Date());
      const steps = planCampaign(parsed.config, raw, campaignId);
      process.stdout.write(renderMatrix(campaignId, steps));
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
