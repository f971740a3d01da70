// The `schedbench` command: one subcommand per module in cli/commands, each with its own --help.
import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze';
import { registerCampaign } from './commands/campaign';
import { registerDoctor } from './commands/doctor';
import { registerHash } from './commands/hash';
import { registerImage } from './commands/image';
import { registerMetrics } from './commands/metrics';
import { registerPareto } from './commands/pareto';
import { registerGraph } from './commands/graph';
import { registerTrack } from './commands/track';
import { registerValidate } from './commands/validate';
import { registerKubernetes } from '../components/kubernetes/cli';

const program = new Command('schedbench')
  .description('Benchmark HPC schedulers (SLURM, Kubernetes, Flux) on clusters stood up by Pulumi')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode);
  });

for (const register of [
  registerValidate,
  registerHash,
  registerAnalyze,
  registerPareto,
  registerMetrics,
  registerImage,
  registerCampaign,
  registerTrack,
  registerGraph,
  registerDoctor,
  registerKubernetes,
]) {
  register(program);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`schedbench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
