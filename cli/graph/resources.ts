// Prints, as one JSON document, every resource the program registers in the local runner's preview (nothing is
// executed). Run with tsx (the runner imports index.ts with import(), which needs tsx's ESM hooks), by `graph`.
// Environment: SCHEDBENCH_PROJECT_DIR, SCHEDBENCH_STACK, SCHEDBENCH_CONFIG_FILE.
import { z } from 'zod';
import { preview } from '../runner/run';

const Env = z.object({
  SCHEDBENCH_PROJECT_DIR: z.string().min(1),
  SCHEDBENCH_STACK: z.string().min(1),
  SCHEDBENCH_CONFIG_FILE: z.string().min(1),
});

async function main(): Promise<void> {
  const env = Env.parse(process.env);
  const quiet = { info: () => undefined, step: () => undefined, progress: () => undefined };
  const report = await preview({
    projectDir: env.SCHEDBENCH_PROJECT_DIR,
    stack: env.SCHEDBENCH_STACK,
    configFile: env.SCHEDBENCH_CONFIG_FILE,
    log: quiet,
  });
  process.stdout.write(
    `${JSON.stringify({ ok: report.ok, failures: report.failures, resources: report.resources })}\n`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`graph: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
