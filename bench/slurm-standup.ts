// Bench: stand-up (to a validated cluster) and tear-down time of SLURM with slurmdbd + MariaDB on 2 and 4 netns
// nodes through the local runner — nodes, SSH, every SLURM stage and its validation, as `npm run up` does with
// `stopAfter: scheduler`; packages already installed. Prints one JSON line per size. Needs root.
// Usage: npx tsx bench/slurm-standup.ts [sizes=2,4]
import { benchProfile, benchStack } from './lib/stack';

function main(): void {
  const sizes = (process.argv[2] ?? '2,4').split(',').map(Number);
  for (const size of sizes) {
    const stack = benchStack(`bsu${size}`);
    stack.configure({ ...benchProfile(size), scheduler: 'slurm', stopAfter: 'scheduler' });
    try {
      const up = stack.up();
      const again = stack.up();
      const down = stack.destroy();
      console.log(
        JSON.stringify({
          nodes: size,
          standUpSeconds: up.seconds,
          secondUpSeconds: again.seconds,
          tearDownSeconds: down,
          note: 'runner wall time, ~1.5 s of TypeScript and Pulumi SDK loading included in each',
        }),
      );
    } catch (err) {
      stack.destroy();
      throw err;
    }
  }
}

main();
