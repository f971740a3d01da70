// Bench: the samplers' own cost. Runs the node sampler and the SLURM scheduler sampler at 1 s for T seconds on
// an idle 2-node cluster and reads their CPU time (user + system, children included) from /proc. Prints CPU
// seconds per hour and the share of one core (target < 0.5 %).
// Usage: npx tsx bench/slurm-samplers.ts [seconds=60]
import * as path from 'path';
import { SlurmOptions } from '../components/slurm/config';
import { scriptCommand } from '../components/slurm/script';
import { valueOf } from '../test/e2e/slurm/executor';
import { runRemote } from '../test/e2e/slurm/remote';
import { benchNodes, benchStateDir, executingMocks, removeBenchState } from './slurm-lib';

const SAMPLERS = path.join(__dirname, '..', 'components', 'samplers', 'scripts');
// utime stime cutime cstime (fields 14–17 of /proc/<pid>/stat), in clock ticks.
const CPU_TICKS = `awk '{print $14 + $15 + $16 + $17}' "/proc/$(cat "$SAMPLER_DIR/sampler.pid")/stat"`;

async function main(): Promise<void> {
  const duration = Number(process.argv[2] ?? 60);
  const executor = executingMocks('bench-samplers');
  const { SlurmCluster } = await import('../components/slurm/cluster');
  const bench = benchNodes('samp', 238, 2);
  try {
    const cluster = new SlurmCluster('bsamp', {
      cluster: 'bsamp',
      nodes: bench.nodes,
      profile: { name: 'bench', nodes: 2, vcpus: 2, memoryGiB: 2 },
      options: SlurmOptions.parse({}),
      stateDir: benchStateDir('bsamp'),
    });
    await valueOf(cluster.slurmVersion, executor);
    const target = { host: cluster.controller.address, privateKey: bench.key };
    const root = cluster.layout.root;
    const kinds = [
      {
        name: 'node',
        dir: `${root}/samplers/bench/node`,
        start: 'node-sampler-start.sh',
        stop: 'node-sampler-stop.sh',
      },
      {
        name: 'slurm',
        dir: `${root}/samplers/bench/slurm`,
        start: 'slurm-sampler-start.sh',
        stop: 'slurm-sampler-stop.sh',
      },
    ];
    const env = (dir: string) => ({
      SAMPLER_DIR: dir,
      INTERVAL_MS: '1000',
      IFACE: 'eth0',
      ROOT: root,
      STATS_INTERVAL_SECONDS: '30',
    });
    for (const k of kinds) {
      const r = await runRemote(target, scriptCommand(SAMPLERS, k.start), env(k.dir));
      if (r.code !== 0) throw new Error(`${k.start}: ${r.stderr}`);
    }
    const ticks0 = await Promise.all(kinds.map((k) => runRemote(target, CPU_TICKS, env(k.dir))));
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, duration * 1000));
    const ticks1 = await Promise.all(kinds.map((k) => runRemote(target, CPU_TICKS, env(k.dir))));
    const elapsed = (Date.now() - t0) / 1000;
    const clk = Number((await runRemote(target, 'getconf CLK_TCK')).stdout.trim());
    const figures = kinds.map((k, i) => {
      const cpu = (Number(ticks1[i]?.stdout.trim()) - Number(ticks0[i]?.stdout.trim())) / clk;
      return {
        sampler: k.name,
        intervalMs: 1000,
        seconds: elapsed,
        cpuSeconds: cpu,
        cpuSecondsPerHour: (cpu / elapsed) * 3600,
        percentOfOneCore: (cpu / elapsed) * 100,
      };
    });
    for (const k of kinds) await runRemote(target, scriptCommand(SAMPLERS, k.stop), env(k.dir));
    console.log(
      JSON.stringify(
        {
          figures,
          note: 'CPU time of the sampler loop and the processes it ran (squeue, sinfo, sdiag for slurm); slurmctld time answering them is not included',
        },
        null,
        1,
      ),
    );
  } finally {
    const errors = await executor.destroy();
    if (errors.length > 0) console.error('teardown errors:', errors);
    bench.remove();
    removeBenchState('bsamp');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
