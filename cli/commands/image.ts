// `schedbench image …`: the libvirt backend's base image outside a stack — build it ahead of `up` (or on each
// hypervisor host), print where the image of given inputs lives, remove it from the cache.
import { existsSync, rmSync } from 'fs';
import type { Command } from 'commander';
import * as path from 'path';
import { buildImage } from '../../components/image/build';
import { imageDir, imageInputHash, readImageInputs } from '../../components/image/inputs';
import { DEFAULT_SUITE, imageMirror, LibvirtBackend } from '../../components/nodes/libvirt/config';

interface ImageOptions {
  cacheDir: string;
  suite: string;
  mirror?: string;
  package: string[];
  fluxTarball?: string;
  kubernetes?: boolean;
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
      '--flux-tarball <file>',
      "the image a Flux stack with this schedbench:flux.tarball builds (the tarball and Flux's packages)",
    )
    .option(
      '--kubernetes',
      "the image a Kubernetes stack builds (the node bundle, built first when not cached, and the node's packages)",
    );
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
  // The same additions `up` makes for the stack's scheduler (components/schedulers/capabilities.ts).
  if (options.fluxTarball !== undefined && options.kubernetes === true)
    throw new Error('--flux-tarball and --kubernetes: an image is built for one scheduler; give one of them');
  const tarball = options.fluxTarball === undefined ? {} : { tarball: path.resolve(options.fluxTarball) };
  const { schedulerImageContent } = await import('../../components/schedulers/capabilities');
  const content = schedulerImageContent({
    scheduler:
      options.kubernetes === true ? 'kubernetes' : options.fluxTarball !== undefined ? 'flux' : 'slurm',
    flux: tarball,
    kubernetes: {},
  });
  const build = {
    suite: image.suite,
    mirror: imageMirror(image, '--mirror'),
    extraPackages: [...image.extraPackages, ...content.packages],
    overlays: content.overlays,
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
