// `schedbench workloads [NAME] [--stack-file F]`: the presets (and a stack's own definitions) — with a name, its
// definition as the YAML a stack file takes, and the jobs it makes on the stack's profile (or `small`).
import type { Command } from 'commander';
import YAML from 'yaml';
import { loadConfig } from '../../components/config/parse';
import { DEFAULT_PROFILES } from '../../components/config/profile';
import { readStackFile } from '../../components/config/stackfile';
import { taskCount } from '../../components/jobs/spec';
import {
  expandWorkloadFully,
  knownWorkloads,
  workloadDefinition,
  type Definitions,
} from '../../workloads/catalog';
import { workloadPreface } from '../../workloads/preface';

interface Options {
  stackFile?: string;
}

/** The definitions, seed and profile a listing speaks of: the stack file's, or the presets on `small`. */
function context(options: Options) {
  if (options.stackFile === undefined) {
    const profile = DEFAULT_PROFILES.small;
    if (profile === undefined) throw new Error('no default profile small');
    return { definitions: {} as Definitions, seed: 1, profile, profileName: 'small' };
  }
  const { stack, config } = readStackFile(options.stackFile);
  const c = loadConfig(config, stack);
  const profile = c.profiles[c.profile];
  if (profile === undefined) throw new Error(`schedbench:profile: no profile ${c.profile}`);
  return { definitions: c.workloadDefinitions, seed: c.seed, profile, profileName: c.profile };
}

function show(name: string, options: Options): string {
  const ctx = context(options);
  const definition = workloadDefinition(name, ctx.definitions);
  if (definition === undefined)
    throw new Error(`no such workload: ${name}; allowed: ${knownWorkloads(ctx.definitions).join(', ')}`);
  const expansion = expandWorkloadFully(name, ctx.profile, ctx);
  const p = ctx.profile;
  const lines = [
    `# ${name}: as schedbench:workloadDefinitions takes it`,
    YAML.stringify({ [name]: definition }).trimEnd(),
    '',
    `# on profile ${ctx.profileName} (${p.nodes} × ${p.vcpus} vCPU, ${p.memoryGiB} GiB)` +
      (expansion.seed === null ? '' : `, seed ${expansion.seed}`) +
      (expansion.offeredLoad === null ? '' : `, offered load ${expansion.offeredLoad.toFixed(2)}`),
    `# ${workloadPreface(name, expansion, ctx.profileName)}`,
    ...expansion.groups.map(
      ({ name: group, spec: s }) =>
        `#   ${group}: ${s.count} job(s) × ${s.nodes} node(s) × ${s.tasksPerNode} task(s)/node = ` +
        `${taskCount(s)} task(s) of ${s.cpus} CPU(s), ${s.memoryMiB} MiB/node, ${s.expectedSeconds} s, ` +
        `${s.kind} ${s.args.join(' ')}`.trimEnd() +
        (s.priority === 'normal' ? '' : `, priority ${s.priority}`),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function list(options: Options): string {
  const ctx = context(options);
  return `${knownWorkloads(ctx.definitions)
    .map((n) => `${n.padEnd(18)} ${workloadDefinition(n, ctx.definitions)?.description ?? ''}`.trimEnd())
    .join('\n')}\n`;
}

export function registerWorkloads(program: Command): void {
  program
    .command('workloads')
    .description('List the workload presets (and a stack’s own); with a name, its definition and its jobs')
    .argument('[name]', 'a workload to show as YAML, with the jobs it makes on the profile')
    .option(
      '--stack-file <file>',
      'a stack file: its definitions, seed and profile (default: presets on `small`)',
    )
    .action((name: string | undefined, options: Options) => {
      process.stdout.write(name === undefined ? list(options) : show(name, options));
    });
}
