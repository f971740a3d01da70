// `schedbench campaign <stack file>`: the main job. One `up` per step of the scheduler × profile matrix (each its
// own stack, all under one campaign id), a `destroy` after each when `autoTeardown` is on (the default) and a check
// that nothing of that cluster is left before the next stands up; then one analysis of this campaign's results
// only, and a short summary. `--dry-run` prints the plan and stops. A step that this host or its scheduler cannot
// honour refuses the whole campaign before anything is created; a scheduler that is not installed is skipped.
import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { CampaignStep } from '../../components/config/campaign';
import { configHash } from '../../components/config/identity';
import { formatErrors, loadConfig } from '../../components/config/parse';
import { readStackFile } from '../../components/config/stackfile';
import { REPO_ROOT as REPO } from '../../components/repo-root';
import {
  describeLeftover,
  findLeftovers,
  leftoversOfCluster,
  namespacePids,
  type Leftover,
} from '../../components/nodes/leftovers';
import { resolveResultsDir } from '../../results/vocabulary';

/** Runs `npm run up|destroy` for one step (the engine or the runner, as the user's own command would). */
function runStep(operation: 'up' | 'destroy', stack: string, configFile: string): number {
  const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
  const result = spawnSync(
    tsx,
    [path.join(REPO, 'cli', 'pulumi.ts'), operation, '--stack', stack, '--config-file', configFile, '--yes'],
    { cwd: REPO, stdio: 'inherit' },
  );
  return result.status ?? 128;
}

/** What a step does, in a word or a sentence. */
function stepAction(step: CampaignStep): string {
  if (!step.available) return `skipped: ${step.reason}`;
  if (step.refusals.length > 0) return `refused: ${step.refusals.map((r) => r.message).join('; ')}`;
  return step.teardown ? 'up, destroy' : 'up (kept: autoTeardown false)';
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
      stepAction(s),
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

/** Every refusal of the plan, per step, for a terminal; empty when the campaign may run. */
export function renderRefusals(steps: readonly CampaignStep[]): string {
  const refused = steps.filter((s) => s.available && s.refusals.length > 0);
  return refused
    .map((s) => `step ${s.stack} (${s.scheduler}, profile ${s.profile}):\n${formatErrors(s.refusals)}`)
    .join('\n');
}

interface StepOutcome {
  step: CampaignStep;
  up: number | null;
  destroy: number | null;
  minutes: number;
}

const elapsed = (since: number) => (Date.now() - since) / 60_000;
const say = (line: string) => process.stdout.write(`campaign: ${line}\n`);
const complain = (line: string) => process.stderr.write(`campaign: ${line}\n`);

/** Whether a network namespace holds any process; unknown counts as busy. */
function namespaceRunsSomething(name: string): boolean {
  const pids = namespacePids(name);
  return pids === undefined || pids.length > 0;
}

/**
 * Other schedbench clusters on this host now: `busy` — a node namespace with processes in it, or a VM — whose load
 * would share every measurement; `idle` — node namespaces with nothing in them (what an interrupted run left), which
 * cost no CPU: named, not refused.
 */
export function foreignClusters(
  all: readonly Leftover[],
  runsSomething: (namespace: string) => boolean = namespaceRunsSomething,
): { busy: Leftover[]; idle: Leftover[] } {
  const busy: Leftover[] = [];
  const idle: Leftover[] = [];
  for (const l of all) {
    if (l.kind === 'libvirt-domain') busy.push(l);
    else if (l.kind === 'netns') (runsSomething(l.id) ? busy : idle).push(l);
  }
  return { busy, idle };
}

/**
 * SIGINT/SIGTERM during a campaign: the step in flight ends — Ctrl-C reaches its `up` too, whose runner stops what
 * it started — and is torn down as usual, no later step starts, and what was collected is analysed; the campaign
 * then exits 128 + the signal's number. A second signal exits at once. Returns the signal received, if any.
 */
function watchSignals(): () => NodeJS.Signals | undefined {
  let received: NodeJS.Signals | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (received !== undefined) process.exit(signal === 'SIGINT' ? 130 : 143);
      received = signal;
      complain(
        `${signal}: the step in flight ends and is torn down, no later step starts, the results so far are analysed (again to exit at once)`,
      );
    });
  return () => received;
}

function runSteps(
  steps: readonly CampaignStep[],
  dir: string,
  started: number,
  interrupted: () => NodeJS.Signals | undefined,
): StepOutcome[] | undefined {
  const runnable = steps.filter((s) => s.available);
  const outcomes: StepOutcome[] = [];
  for (const [index, step] of runnable.entries()) {
    const stepStarted = Date.now();
    const configFile = path.join(dir, `Pulumi.${step.stack}.yaml`);
    writeFileSync(configFile, stringify({ config: step.config }));
    const cluster = String(step.config['schedbench:clusterName']);
    say(
      `step ${index + 1}/${runnable.length}: ${step.scheduler} on profile ${step.profile}${emulatedSize(step, ', ')} (stack ${step.stack}, cluster ${cluster}); ${elapsed(started).toFixed(1)} min so far`,
    );
    const up = runStep('up', step.stack, configFile);
    if (up !== 0)
      complain(
        `${step.stack}: up failed (exit ${up}); the results it wrote stay on disk, the next steps go on`,
      );
    const destroy = step.teardown ? runStep('destroy', step.stack, configFile) : null;
    outcomes.push({ step, up, destroy, minutes: elapsed(stepStarted) });
    if (destroy !== null && destroy !== 0) complain(`${step.stack}: destroy failed (exit ${destroy})`);
    if (!step.teardown) continue;
    // Checked, not assumed: the next scheduler's figures must not share the host with this cluster.
    const left = leftoversOfCluster(cluster);
    if (left.length > 0) {
      complain(
        `cluster ${cluster} of ${step.stack} is not gone after destroy; stopping here so that no later step shares the host with it:\n` +
          `${left.map((l) => `  ${describeLeftover(l)}`).join('\n')}\n` +
          `  remove it with \`npm run destroy -- --stack ${step.stack} --config-file ${configFile}\` or \`npx schedbench doctor --clean\``,
      );
      return undefined;
    }
    say(
      `step ${index + 1}/${runnable.length}: cluster ${cluster} is gone (${outcomes.at(-1)?.minutes.toFixed(1)} min)`,
    );
    const signal = interrupted();
    if (signal !== undefined && index + 1 < runnable.length) {
      complain(
        `${signal}: stopped after step ${index + 1}/${runnable.length}; steps not run: ${runnable
          .slice(index + 1)
          .map((s) => s.stack)
          .join(', ')}`,
      );
      break;
    }
  }
  return outcomes;
}

/** One analysis of this campaign's results (by its id), printed summary included; false when it failed. */
function analyseCampaign(resultsDir: string, campaignId: string): { ok: boolean; out: string } {
  const out = path.join(resultsDir, 'analysis', campaignId);
  const analysis = spawnSync(
    process.execPath,
    [path.join(REPO, 'bin', 'schedbench.js'), 'analyze', resultsDir, '--campaign', campaignId, '--out', out],
    { stdio: 'inherit' },
  );
  return { ok: analysis.status === 0, out };
}

/** How a sweep's step is told apart from its scheduler's other steps, as `before<N> emulated nodesafter`. */
function emulatedSize(step: Pick<CampaignStep, 'emulatedNodes'>, before: string, after = ''): string {
  return step.emulatedNodes === null ? '' : `${before}${step.emulatedNodes} emulated nodes${after}`;
}

function renderOutcomes(outcomes: readonly StepOutcome[], skipped: readonly CampaignStep[]): string {
  const word = (code: number | null) =>
    code === null ? 'kept' : code === 0 ? 'ok' : `failed (exit ${code})`;
  return [
    ...outcomes.map(
      (o) =>
        `  ${o.step.scheduler.padEnd(10)}${emulatedSize(o.step, ' (', ')')} up ${word(o.up)}, destroy ${word(o.destroy)}, ${o.minutes.toFixed(1)} min`,
    ),
    ...skipped.map((s) => `  ${s.scheduler.padEnd(10)}${emulatedSize(s, ' (', ')')} skipped: ${s.reason}`),
  ].join('\n');
}

export function registerCampaign(program: Command): void {
  program
    .command('campaign')
    .description(
      'Stand the stack up once per scheduler of schedulerOrder on the same nodes and workloads, each torn down before the next, then analyse that campaign',
    )
    .argument('<stack-file>', 'path to Pulumi.<stack>.yaml')
    .option('--dry-run', 'print the plan (and what would be refused) and stop')
    .option(
      '--share-host',
      'run even though other schedbench clusters are up on this host (their load then shares every measurement)',
    )
    .action(async (file: string, options: { dryRun?: boolean; shareHost?: boolean }) => {
      // Planning asks the scheduler registry, which loads the Pulumi SDK (≈ 0.7 s): only when a campaign runs.
      const { campaignIdFor, planCampaign, profileMatrix } = await import('../../components/config/campaign');
      const started = Date.now();
      const { stack, config: raw } = readStackFile(file);
      const config = loadConfig(raw, stack);
      const campaignId = campaignIdFor(configHash(config), new Date());
      const steps = planCampaign(config, raw, campaignId);
      process.stdout.write(renderMatrix(campaignId, steps));
      // What every step's workloads offer its profile, before anything is created (the same on every scheduler).
      const { workloadPrefaces } = await import('../../workloads/preface');
      for (const { profile, workloads } of profileMatrix(config))
        for (const line of workloadPrefaces(config, profile, workloads)) say(line);
      const refusals = renderRefusals(steps);
      if (refusals !== '') {
        complain(`refused before anything was created:\n${refusals}`);
        process.exitCode = 1;
        return;
      }
      if (options.dryRun === true) return;
      const others = foreignClusters(findLeftovers());
      if (others.idle.length > 0)
        complain(
          `empty node namespaces of another schedbench cluster are on this host (no process in them, so no load; ` +
            `\`npx schedbench doctor --clean\` removes them):\n${others.idle.map((l) => `  ${describeLeftover(l)}`).join('\n')}`,
        );
      if (others.busy.length > 0 && options.shareHost !== true) {
        complain(
          `other schedbench clusters are up on this host; their daemons would share every measurement:\n` +
            `${others.busy.map((l) => `  ${describeLeftover(l)}`).join('\n')}\n` +
            '  destroy their stacks (or `npx schedbench doctor --clean`), or pass --share-host to run anyway',
        );
        process.exitCode = 1;
        return;
      }
      const dir = path.join(REPO, '.schedbench', 'campaign', campaignId);
      mkdirSync(dir, { recursive: true });
      const interrupted = watchSignals();
      const outcomes = runSteps(steps, dir, started, interrupted);
      const resultsDir = resolveResultsDir(REPO, config.resultsDir);
      const analysis = analyseCampaign(resultsDir, campaignId);
      const skipped = steps.filter((s) => !s.available);
      say(`${campaignId} in ${elapsed(started).toFixed(1)} min:`);
      if (outcomes !== undefined) process.stdout.write(`${renderOutcomes(outcomes, skipped)}\n`);
      say(`results: ${resultsDir} (campaign id ${campaignId} in every result)`);
      if (analysis.ok) say(`report: ${path.join(analysis.out, 'report.html')}`);
      else complain(`the analysis of ${campaignId} failed (the results stay in ${resultsDir})`);
      const failed =
        outcomes === undefined ||
        !analysis.ok ||
        outcomes.some((o) => o.up !== 0 || (o.destroy !== null && o.destroy !== 0));
      const signal = interrupted();
      process.exitCode = signal !== undefined ? (signal === 'SIGINT' ? 130 : 143) : failed ? 1 : 0;
    });
}
