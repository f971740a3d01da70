// Every command schedbench runs on a node over SSH is made here: its environment travels as SCHEDBENCH_<NAME>
// SSH env requests (the only names node sshds accept) and its script, made by remoteScript, starts with
// ssh-env.sh, which gives the parameters their names back. One place, so no remote command can bypass it.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { sshEnvironment } from './ssh-env';

type Environment = NonNullable<command.remote.CommandArgs['environment']>;

/** The environment of a remote command, each name prefixed (an Output is mapped when it resolves). */
export function remoteEnvironment(environment: Environment | undefined): Environment | undefined {
  if (environment === undefined) return undefined;
  return pulumi.Output.isInstance(environment)
    ? environment.apply((env) => sshEnvironment(env))
    : sshEnvironment(environment as Record<string, pulumi.Input<string>>);
}

/** `command.remote.Command`, with its environment sent as SCHEDBENCH_* (see remoteScript for its text). */
export function remoteCommand(
  name: string,
  args: command.remote.CommandArgs,
  opts?: pulumi.CustomResourceOptions,
): command.remote.Command {
  const environment = remoteEnvironment(args.environment);
  return new command.remote.Command(
    name,
    { ...args, ...(environment === undefined ? {} : { environment }) },
    opts,
  );
}
