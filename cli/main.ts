// The `schedbench` command: one subcommand per module in cli/commands, each with its own --help. A command's
// module is loaded when that command runs (all of them for the overall help), so `schedbench pareto` does not
// pay for what `campaign` or `analyze` load (the Pulumi SDK, vega).
import { Command } from 'commander';
import { schedulerCommands } from '../components/schedulers/registry';

/** A subcommand: its name, and its module's register function, loaded when asked for. */
interface Subcommand {
  name: string;
  load: () => Promise<(program: Command) => void>;
}

/** Every subcommand, in the order the help lists them. */
const COMMANDS: readonly Subcommand[] = [
  { name: 'validate', load: async () => (await import('./commands/validate')).registerValidate },
  { name: 'hash', load: async () => (await import('./commands/hash')).registerHash },
  { name: 'workloads', load: async () => (await import('./commands/workloads')).registerWorkloads },
  { name: 'trace', load: async () => (await import('./commands/trace')).registerTrace },
  { name: 'analyze', load: async () => (await import('./commands/analyze')).registerAnalyze },
  { name: 'pareto', load: async () => (await import('./commands/pareto')).registerPareto },
  { name: 'metrics', load: async () => (await import('./commands/metrics')).registerMetrics },
  { name: 'image', load: async () => (await import('./commands/image')).registerImage },
  { name: 'campaign', load: async () => (await import('./commands/campaign')).registerCampaign },
  { name: 'track', load: async () => (await import('./commands/track')).registerTrack },
  { name: 'graph', load: async () => (await import('./commands/graph')).registerGraph },
  { name: 'doctor', load: async () => (await import('./commands/doctor')).registerDoctor },
  // Each scheduler's own, from its module (components/schedulers/registry.ts).
  ...schedulerCommands(),
];

/**
 * The commands `argv` needs: the one it names first, or every one (help, no command, an unknown one — whose
 * error suggests the nearest name). Commander parses a subcommand the same whether or not its siblings exist.
 */
function commandsFor(argv: readonly string[]): readonly Subcommand[] {
  const named = COMMANDS.find((c) => c.name === argv[2]);
  return named === undefined ? COMMANDS : [named];
}

async function main(): Promise<void> {
  const program = new Command('schedbench')
    .description('Benchmark HPC schedulers (SLURM, Kubernetes, Flux) on clusters stood up by Pulumi')
    .showHelpAfterError()
    .exitOverride((err) => {
      process.exit(err.exitCode);
    });
  for (const register of await Promise.all(commandsFor(process.argv).map((c) => c.load()))) register(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.stderr.write(`schedbench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
