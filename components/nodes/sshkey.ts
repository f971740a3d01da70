// The cluster's SSH client key pair, made by ssh-keygen at `up`: the private key never leaves Pulumi secrets
// (scripts get it on stdin only); the public key is plain, for authorized_keys on netns nodes and VM seeds.
import * as pulumi from '@pulumi/pulumi';
import * as command from '@pulumi/command';
import { bashCommand } from '../script';

/** Prints a new ed25519 private key (OpenSSH format) on stdout; the temporary files go with the shell. */
const GENERATE_PRIVATE_KEY = `set -euo pipefail
: "\${KEY_COMMENT:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ssh-keygen -q -t ed25519 -N '' -C "$KEY_COMMENT" -f "$dir/key" </dev/null >&2
cat "$dir/key"`;

/** Reads a private key on stdin and prints its public key (\`ssh-ed25519 AAAA… comment\`). */
const DERIVE_PUBLIC_KEY = `set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
umask 077
key=$(cat)
printf '%s\\n' "$key" >"$dir/key"
ssh-keygen -y -f "$dir/key"`;

/** The command that prints a new private key (env KEY_COMMENT). */
export const GENERATE_PRIVATE_KEY_COMMAND = bashCommand(GENERATE_PRIVATE_KEY, 'generate-private-key');
/** The command that prints the public key of the private key on its stdin. */
export const DERIVE_PUBLIC_KEY_COMMAND = bashCommand(DERIVE_PUBLIC_KEY, 'derive-public-key');

export interface ClusterKeyArgs {
  /** Comment stored in the key (e.g. `schedbench-<cluster>`); no secret. */
  comment: pulumi.Input<string>;
}

export class ClusterKey extends pulumi.ComponentResource {
  /** OpenSSH private key; a Pulumi secret. */
  readonly privateKey: pulumi.Output<string>;
  /** One authorized_keys line (`ssh-ed25519 … comment`); not secret. */
  readonly publicKey: pulumi.Output<string>;

  constructor(name: string, args: ClusterKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:nodes:ClusterKey', name, {}, opts);

    const privateKeyCommand = new command.local.Command(
      `${name}-private`,
      {
        create: GENERATE_PRIVATE_KEY_COMMAND,
        environment: { KEY_COMMENT: args.comment },
        logging: 'stderr',
      },
      { parent: this, additionalSecretOutputs: ['stdout'] },
    );
    this.privateKey = pulumi.secret(privateKeyCommand.stdout);

    const publicKeyCommand = new command.local.Command(
      `${name}-public`,
      {
        create: DERIVE_PUBLIC_KEY_COMMAND,
        stdin: this.privateKey,
      },
      { parent: this },
    );
    // Derived from a secret input, but a public key is meant to be shown and copied.
    this.publicKey = pulumi.unsecret(publicKeyCommand.stdout);

    this.registerOutputs({ privateKey: this.privateKey, publicKey: this.publicKey });
  }
}
