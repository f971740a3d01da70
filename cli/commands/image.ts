// `schedbench image …`: the libvirt backend's base image outside a stack — build it ahead of `up` (or on each
// hypervisor host), print where the image of given inputs lives, remove it from the cache.
import { existsSync, rmSync } from 'fs';
import type { Command } from 'commander';
import * as path from 'path';
import { buildImage } from '../../components/image/build';
import { imageDir, imageInputHash, readImageInputs } from '../../components/image/inputs';
import type { ImageOverlay } from '../../components/image/inputs';
import { DEFAULT_SUITE, imageMirror, LibvirtBackend } from '../../components/nodes/libvirt/config';
import { SCHEDULER_NAMES, type SchedulerName } from '../../results/vocabulary';

interface ImageOptions {
  cacheDir: string;
  suite: string;
  mirror?: string;
  package: string[];
  scheduler?: string;
  option: string[];
  json?: boolean;
  quiet?: boolean;
}

const DEFAULT_CACHE_DIR = `${LibvirtBackend.parse({ type: 'libvirt' }).storageDir}/images`;

function withInputOptions(cmd: Command): Command {
  return cmd
    .option('--cache-dir <dir>', 'image cache (backend.storageDir + /images)', DEFAULT_CACHE_DIR)
    .option('--suite <suite>', 'Debian suite', DEFAULT_SUITE)
    .option('--mirror <url>', "Debian mirror (default: the host's apt sources)")
    .option(
      '--package <name>',
      'extra package (repeatable; backend.image.extraPackages)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--scheduler <name>',
      `the image a stack of this scheduler builds, with what its module adds (${SCHEDULER_NAMES.join(', ')}); without it, the base image alone`,
    )
    .option(
      '--option <key=value>',
      "one of the scheduler's own options, as in schedbench:<scheduler> (repeatable), e.g. tarball=/var/tmp/flux.tar.gz",
      (v: string, acc: string[]) => [...acc, v],
      [],
    );
}

/** `key=value` options → an object (a value that reads as JSON — a number, true, false — is taken as such). */
function parseOptions(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--option ${pair}: expected key=value`);
    const value = pair.slice(eq + 1);
    let parsed: unknown = value;
    try {
      parsed = JSON.parse(value);
    } catch {
      // a plain string
    }
    out[pair.slice(0, eq)] = parsed;
  }
  return out;
}

/** What `--scheduler` adds to the image, through its module; nothing without it. */
async function schedulerContent(
  options: ImageOptions,
  backend: LibvirtBackend,
): Promise<{ packages: string[]; overlays: ImageOverlay[]; disabledUnits?: string[] }> {
  if (options.scheduler === undefined) {
    if (options.option.length > 0) throw new Error('--option needs --scheduler');
    return { packages: [], overlays: [] };
  }
  const name = options.scheduler;
  if (!(SCHEDULER_NAMES as readonly string[]).includes(name))
    throw new Error(`--scheduler ${name}: allowed: ${SCHEDULER_NAMES.join(', ')}`);
  const { imageContentFor } = await import('../../components/schedulers/registry');
  const given = parseOptions(options.option);
  // Paths of files the image unpacks are the caller's, relative to where they run the command.
  for (const [key, value] of Object.entries(given))
    if (typeof value === 'string' && (value.startsWith('./') || value.startsWith('../')))
      given[key] = path.resolve(value);
  return imageContentFor(name as SchedulerName, given, backend);
}

/** The same validation as the stack config's `backend.image`. */
async function resolve(options: ImageOptions) {
  const parsed = LibvirtBackend.safeParse({
    type: 'libvirt',
    storageDir: options.cacheDir.replace(/\/images\/?$/, '') || '/',
    image: { source: 'build', suite: options.suite, mirror: options.mirror, extraPackages: options.package },
  });
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const image = parsed.data.image;
  if (image.source !== 'build') throw new Error('unreachable: image source is build');
  // The same additions `up` makes for the stack's scheduler (its module's image content).
  const content = await schedulerContent(options, parsed.data);
  const build = {
    suite: image.suite,
    mirror: imageMirror(image, '--mirror'),
    extraPackages: [...image.extraPackages, ...content.packages],
    overlays: content.overlays,
    disabledUnits: content.disabledUnits ?? [],
    cacheDir: options.cacheDir,
  };
  return { build, inputs: readImageInputs(build) };
}

export function registerImage(program: Command): void {
  const image = program
    .command('image')
    .description('Base image of the libvirt backend (Debian 12 from Debian packages)');

  withInputOptions(image.command('build'))
    .description(
      'Build the base image (skipped when the same inputs were built before); prints its files and SHA-256',
    )
    .option('--json', 'print the result as one JSON document')
    .option('-q, --quiet', 'no build log on stderr')
    .action(async (options: ImageOptions) => {
      const { build } = await resolve(options);
      const started = Date.now();
      const info = await buildImage(
        build,
        options.quiet === true ? undefined : (line) => process.stderr.write(`${line}\n`),
      );
      const seconds = (Date.now() - started) / 1000;
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ ...info, seconds })}\n`);
        return;
      }
      process.stdout.write(
        [
          `${info.built ? 'built' : 'cached (same inputs)'} in ${seconds.toFixed(1)} s`,
          `disk    ${info.disk}  (${(info.sizeBytes / 2 ** 20).toFixed(0)} MiB)`,
          `kernel  ${info.kernel}`,
          `initrd  ${info.initrd}`,
          `sha256  ${info.sha256}`,
          '',
        ].join('\n'),
      );
    });

  withInputOptions(image.command('path'))
    .description('Print the cache directory of the image these inputs make, and whether it is built')
    .action(async (options: ImageOptions) => {
      const { build, inputs } = await resolve(options);
      const dir = imageDir(build.cacheDir, inputs);
      process.stdout.write(
        `${dir}\t${existsSync(`${dir}/image.json`) ? 'built' : 'not built'}\tinputs ${imageInputHash(inputs)}\n`,
      );
    });

  withInputOptions(image.command('remove'))
    .description(
      'Remove the image these inputs make from the cache (running VMs on it must be destroyed first)',
    )
    .action(async (options: ImageOptions) => {
      const { build, inputs } = await resolve(options);
      const dir = imageDir(build.cacheDir, inputs);
      if (!existsSync(dir)) {
        process.stdout.write(`${dir}: not in the cache\n`);
        return;
      }
      rmSync(dir, { recursive: true, force: true });
      process.stdout.write(`${dir}: removed\n`);
    });
}
