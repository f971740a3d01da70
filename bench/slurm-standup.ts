// Bench: stand-up (to a validated cluster) and tear-down time of SLURM with slurmdbd + MariaDB on 2 and 4 netns
// nodes, packages already installed. Prints one JSON line per size. Needs root.
// Usage: npx tsx bench/slurm-standup.ts [sizes=2,4]
import { SlurmOptions } from '../components/slurm/config';
import { valueOf } from '../test/e2e/slurm/executor';
import { benchNodes, benchStateDir, executingMocks, removeBenchState, seconds } from './slurm-lib';

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '2,4').split(',').map(Number);
  const executor = executingMocks('bench-standup');
  const { SlurmCluster } = await import('../components/slurm/cluster');
  for (const size of sizes) {
    const tag = `su${size}`;
    const bench = benchNodes(tag, 240 + size, size);
    try {
      const t0 = Date.now();
      const cluster = new SlurmCluster(`bsu${size}`, {
        cluster: `bsu${size}`,
        nodes: bench.nodes,
        profile: { name: 'bench', nodes: size, vcpus: 2, memoryGiB: 2 },
        options: SlurmOptions.parse({}),
        stateDir: benchStateDir(`bsu${size}`),
      });
      await valueOf(cluster.slurmVersion, executor);
      const up = seconds(t0);
      const t1 = Date.now();
      const errors = await executor.destroy();
      const down = seconds(t1);
      const stages = executor.log.splice(0).map((l) => l.replace(/^(create|delete) bsu\d+-/, '$1 '));
      console.log(
        JSON.stringify({
          nodes: size,
          standUpSeconds: up,
          tearDownSeconds: down,
          teardownErrors: errors,
          stages,
          note: 'stages executed one at a time where independent (the lead runner/Pulumi may parallelise)',
        }),
      );
    } finally {
      bench.remove();
      removeBenchState(`bsu${size}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
