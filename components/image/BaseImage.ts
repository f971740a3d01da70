// schedbench:image:BaseImage — the disk every VM node's overlay is made on: built here from Debian's packages
// (cached by input hash: the same inputs never build twice), or an existing cloud image given in config.
// Its SHA-256 goes into the results' provenance.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { bashCommand, bashScript } from '../script';
import { ImageInfo, parseImageInfo } from './info';
import {
  buildEnvironment,
  ImageBuildOptions,
  imageDir,
  imageInputHash,
  madeOverlays,
  readImageInputs,
} from './inputs';

export type BaseImageArgs =
  | ({
      source: 'build';
    } & ImageBuildOptions)
  | {
      source: 'file';
      /** An existing qcow2/raw cloud image with cloud-init. */
      path: string;
    };

export class BaseImage extends pulumi.ComponentResource {
  /** The disk nodes' overlays are made on. */
  readonly disk: pulumi.Output<string>;
  /** Direct kernel boot parameters; empty strings for a cloud image (boots by its own bootloader). */
  readonly kernel: pulumi.Output<string>;
  readonly initrd: pulumi.Output<string>;
  readonly cmdline: pulumi.Output<string>;
  /** SHA-256 of the disk file. */
  readonly sha256: pulumi.Output<string>;
  /** Hash of the build inputs (known at preview; empty for a file image). */
  readonly inputHash: string;
  /** Where the image lives (known at preview). */
  readonly path: string;
  /** Everything above as one value. */
  readonly info: pulumi.Output<ImageInfo>;

  constructor(name: string, args: BaseImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:image:BaseImage', name, {}, opts);

    let step: command.local.Command;
    let script: string;
    if (args.source === 'build') {
      const inputs = readImageInputs(args);
      this.inputHash = imageInputHash(inputs);
      this.path = `${imageDir(args.cacheDir, inputs)}/disk.qcow2`;
      script = 'build.sh';
      // Overlays a command makes (e.g. Kubernetes' node bundle) are made first; like the image, they are caches.
      const made = madeOverlays(args.overlays).map(
        (overlay, i) =>
          new command.local.Command(
            `${name}-overlay-${i}`,
            { create: overlay.make.create, environment: overlay.make.environment, logging: 'stderr' },
            { parent: this },
          ),
      );
      // No delete: the image is a cache shared by stacks with the same inputs (`schedbench image remove`).
      step = new command.local.Command(
        `${name}-build`,
        {
          create: bashCommand(inputs.buildScript, 'build.sh'),
          environment: buildEnvironment(args.cacheDir, inputs),
        },
        { parent: this, dependsOn: made },
      );
    } else {
      this.inputHash = '';
      this.path = args.path;
      script = 'digest.sh';
      step = new command.local.Command(
        `${name}-digest`,
        { create: bashScript('components/image/digest.sh'), environment: { IMAGE_PATH: args.path } },
        { parent: this },
      );
    }

    this.info = step.stdout.apply((stdout) => parseImageInfo(stdout, script));
    this.disk = this.info.disk;
    this.kernel = this.info.kernel;
    this.initrd = this.info.initrd;
    this.cmdline = this.info.cmdline;
    this.sha256 = this.info.sha256;
    this.registerOutputs({
      disk: this.disk,
      sha256: this.sha256,
      inputHash: this.inputHash,
      path: this.path,
    });
  }
}
