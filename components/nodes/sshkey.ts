// SSH key pairs made by ssh-keygen at `up`: the cluster's client key and each node's host key. Private keys never
// leave Pulumi secrets (scripts get them on stdin only); public keys are plain (authorized_keys, pinned host keys).
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

export interface SshKeyPairArgs {
  /** Comment stored in the key (e.g. `schedbench-<cluster>`); no secret. */
  comment: pulumi.Input<string>;
}
export type ClusterKeyArgs = SshKeyPairArgs;

/** An ed25519 key pair made by ssh-keygen at `up`; the private half a Pulumi secret. */
abstract class SshKeyPair extends pulumi.ComponentResource {
  /** OpenSSH private key; a Pulumi secret. */
  readonly privateKey: pulumi.Output<string>;
  /** One OpenSSH public key line (`ssh-ed25519 … comment`); not secret. */
  readonly publicKey: pulumi.Output<string>;

  constructor(type: string, name: string, args: SshKeyPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);

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

/** The cluster's SSH client key: authorized on every node. */
export class ClusterKey extends SshKeyPair {
  constructor(name: string, args: SshKeyPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:nodes:ClusterKey', name, args, opts);
  }
}

/**
 * A node's SSH host key, made by the program so that it knows it: the private half goes to the node (netns: on
 * stdin; VMs: in the cloud-init seed), the public half is pinned as `hostKey` in every connection to the node.
 */
export class HostKey extends SshKeyPair {
  constructor(name: string, args: SshKeyPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:nodes:HostKey', name, args, opts);
  }
}
