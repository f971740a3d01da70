// `schedbench trace generate --jobs N --nodes M --seed S [--out f.swf]`: a Lublin–Feitelson workload as SWF (stdout
// without --out; gzipped when the name ends in .gz). `schedbench trace info FILE [--profile NAME] [--stack-file F]
// [--scale X]`: what an SWF log holds, the load it offers a profile and how long a replay at scale X would take.
import type { Command } from 'commander';
import { writeFileSync } from 'fs';
import { gzipSync } from 'zlib';
import { z } from 'zod';
import { loadConfig } from '../../components/config/parse';
import { DEFAULT_PROFILES, type Profile } from '../../components/config/profile';
import { readStackFile } from '../../components/config/stackfile';
import { formatTraceInfo, type InfoOnProfile } from '../../workloads/trace/info';
import { generateLublin } from '../../workloads/trace/lublin';
import { profileLoad, replayDuration } from '../../workloads/trace/load';
import { MAX_SEED } from '../../workloads/trace/random';
import { summariseTrace } from '../../workloads/trace/summary';
import { readSwfFile } from '../../workloads/trace/swf';
import { formatSwf } from '../../workloads/trace/swf-write';

const count = (max: number) => z.coerce.number().int().min(1).max(max);

const GenerateOptions = z.object({
  jobs: count(1_000_000),
  nodes: count(1_000_000),
  seed: z.coerce.number().int().min(0).max(MAX_SEED),
  out: z.string().min(1).optional(),
});

/** A time scale: a positive number, or a fraction such as `1/600` (an hour of the log in 6 s). */
const Scale = z
  .string()
  .regex(/^\d+(\.\d+)?(\/\d+(\.\d+)?)?$/, 'a positive number or a fraction such as 1/600')
  .transform((text) => {
    const [numerator, denominator = '1'] = text.split('/');
    return { text, value: Number(numerator) / Number(denominator) };
  })
  .refine((scale) => Number.isFinite(scale.value) && scale.value > 0, 'must be above 0');

const InfoOptions = z.object({
  profile: z.string().min(1).optional(),
  stackFile: z.string().min(1).optional(),
  scale: Scale.optional(),
});

/** Options through their schema, or an error naming each bad option. */
function parseOptions<T extends z.ZodType>(command: string, schema: T, options: unknown): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
  throw new Error(`trace ${command}: ${problems.join('; ')}`);
}

function generate(raw: unknown): void {
  const options = parseOptions('generate', GenerateOptions, raw);
  const { header, jobs } = generateLublin(options);
  const text = formatSwf(header, jobs);
  if (options.out === undefined) process.stdout.write(text);
  else writeFileSync(options.out, options.out.endsWith('.gz') ? gzipSync(text) : text);
}

/** The profile `trace info` speaks of: --profile among the stack file's profiles (or the built-in ones); the stack's own. */
function chosenProfile(options: z.infer<typeof InfoOptions>): { name: string; profile: Profile } | null {
  let profiles: Record<string, Profile> = DEFAULT_PROFILES;
  let name = options.profile;
  if (options.stackFile !== undefined) {
    const { stack, config } = readStackFile(options.stackFile);
    const parsed = loadConfig(config, stack);
    profiles = parsed.profiles;
    name ??= parsed.profile;
  }
  if (name === undefined) return null;
  const profile = profiles[name];
  if (profile === undefined)
    throw new Error(`trace info: no profile ${name}; allowed: ${Object.keys(profiles).join(', ')}`);
  return { name, profile };
}

async function info(file: string, raw: unknown): Promise<void> {
  const options = parseOptions('info', InfoOptions, raw);
  const chosen = chosenProfile(options);
  const trace = await readSwfFile(file);
  const summary = summariseTrace(trace);
  let onProfile: InfoOnProfile | undefined;
  if (chosen !== null && summary.machine !== null)
    onProfile = {
      name: chosen.name,
      nodes: chosen.profile.nodes,
      vcpus: chosen.profile.vcpus,
      load: profileLoad(trace.jobs, summary.machine.processors, chosen.profile),
    };
  const replay =
    options.scale === undefined
      ? undefined
      : { scale: options.scale.text, duration: replayDuration(summary, options.scale.value) };
  process.stdout.write(formatTraceInfo(file, trace.header, summary, { profile: onProfile, replay }));
}

export function registerTrace(program: Command): void {
  const trace = program
    .command('trace')
    .description(
      'Workload traces in the Standard Workload Format: generate one (Lublin–Feitelson), describe one',
    );
  trace
    .command('generate')
    .description('Generate a Lublin–Feitelson (2003) batch workload as SWF, from a seed')
    .requiredOption('--jobs <n>', 'how many jobs')
    .requiredOption('--nodes <m>', 'the machine’s size in processors: the widest job')
    .requiredOption('--seed <s>', `seed of every draw (0–${MAX_SEED}): the same seed, the same jobs`)
    .option('--out <file>', 'write to this file (gzipped when it ends in .gz) instead of stdout')
    .action((options: unknown) => generate(options));
  trace
    .command('info')
    .description('Describe an SWF log (.swf or .swf.gz): jobs, span, size and run-time distributions, load')
    .argument('<file>', 'an SWF log, .swf or .swf.gz')
    .option(
      '--profile <name>',
      'the offered load on this profile (the stack file’s, or small / medium / large)',
    )
    .option(
      '--stack-file <file>',
      'a stack file: its profiles, and its own profile when --profile is not given',
    )
    .option(
      '--scale <x>',
      'time scale of a replay, e.g. 1/600 (an hour of the log in 6 s): how long it would take',
    )
    .action((file: string, options: unknown) => info(file, options));
}
