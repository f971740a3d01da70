// `schedbench:identity:Run`: the run's reproducible identity — config hash, run id — and the config snapshot
// written beside the results. The timestamp comes from a resource, not the program's clock, so a preview or a
// second `up` of the same config shows no change; a changed config gets a new timestamp and so a new run id.
import * as pulumi from '@pulumi/pulumi';
import * as command from '@pulumi/command';
import { bashScript } from '../script';
import { BenchConfig } from '../config/schema';
import { configHash } from '../config/identity';
import { formatRunId, resolveResultsDir, stackResultsDir } from '../../results/vocabulary';

export interface RunIdentityArgs {
  /** The resolved config. */
  config: BenchConfig;
  /** Directory the program runs in; a relative resultsDir is resolved against it. */
  projectDir: string;
}

export class RunIdentity extends pulumi.ComponentResource {
  /** SHA-256 of the canonical resolved config. */
  readonly configHash: string;
  /** `<UTC YYYYMMDDTHHMMSSZ>_<first 12 hex of configHash>`. */
  readonly runId: pulumi.Output<string>;
  /** Absolute directory of the results: <resultsDir>/<runId>/<stack>. */
  readonly resultsDir: pulumi.Output<string>;
  /** Path of the written config snapshot. */
  readonly snapshotPath: pulumi.Output<string>;

  constructor(name: string, args: RunIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:identity:Run', name, {}, opts);
    this.configHash = configHash(args.config);
    const clock = new command.local.Command(
      `${name}-clock`,
      { create: bashScript('components/identity/scripts/clock.sh'), triggers: [this.configHash] },
      { parent: this },
    );
    const hash = this.configHash;
    this.runId = clock.stdout.apply((stamp) => formatRunId(stamp.trim(), hash));
    const resultsRoot = resolveResultsDir(args.projectDir, args.config.resultsDir);
    this.resultsDir = this.runId.apply((runId) => stackResultsDir(resultsRoot, runId, args.config.stack));
    const snapshot = new command.local.Command(
      `${name}-snapshot`,
      {
        create: bashScript('components/identity/scripts/snapshot.sh'),
        environment: { STACK_RESULTS_DIR: this.resultsDir },
        stdin: `${JSON.stringify({ configHash: this.configHash, config: args.config }, null, 2)}\n`,
      },
      { parent: this },
    );
    this.snapshotPath = snapshot.stdout.apply((s) => s.trim());
    this.registerOutputs({ configHash: this.configHash, runId: this.runId, snapshotPath: this.snapshotPath });
  }
}
