// schedbench:build:Bundle — one of the project's TypeScript entry points written as a single CommonJS file for
// the program's machine (bundle.ts), replaced when what it bundles changes, removed on destroy.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { TS_ENVIRONMENT, TS_RUN } from '../tsx';
import { bundleDigest } from './bundle';

const BUNDLER = path.join(__dirname, 'bundle-cli.ts');

export interface BundleArgs {
  /** Absolute path of the entry point (a .ts file of this project). */
  entry: string;
  /** Absolute path of the bundle to write. */
  outFile: string;
}

export class Bundle extends pulumi.ComponentResource {
  /** The bundle's path, once written. */
  readonly path: pulumi.Output<string>;
  /** The resource that writes it: what a step running the bundle depends on. */
  readonly written: command.local.Command;

  constructor(name: string, args: BundleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:build:Bundle', name, {}, opts);
    this.written = new command.local.Command(
      `${name}-write`,
      {
        create: `${TS_RUN} "$SCHEDBENCH_BUNDLER" "$ENTRY" "$OUT"`,
        // The file, and its directory once empty (one per stack).
        delete: 'rm -f "$OUT"; rmdir "$(dirname "$OUT")" 2>/dev/null || true',
        environment: { ...TS_ENVIRONMENT, SCHEDBENCH_BUNDLER: BUNDLER, ENTRY: args.entry, OUT: args.outFile },
        // A changed bundle is written again; an unchanged one is left alone (no step of `up`).
        triggers: [bundleDigest(args.entry)],
      },
      { parent: this, deleteBeforeReplace: true },
    );
    this.path = this.written.stdout.apply(() => args.outFile);
    this.registerOutputs({ path: this.path });
  }
}
