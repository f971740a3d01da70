// Parameters of scripts that run over SSH travel as SCHEDBENCH_<NAME> environment requests: node sshds accept
// `AcceptEnv SCHEDBENCH_*` only (not `*`, which would let any SSH user set LD_PRELOAD or BASH_ENV), and
// ssh-env.sh, prepended to the script, gives the parameters their names back.
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';

/** The prefix every parameter sent over SSH carries. */
export const SSH_ENV_PREFIX = 'SCHEDBENCH_';

/** components/nodes/ssh-env.sh: prepend it (after the prelude) to a script that runs over SSH. */
export const SSH_ENV_LIB = path.join(REPO_ROOT, 'components', 'nodes', 'ssh-env.sh');

/**
 * The `AcceptEnv` pattern of every sshd schedbench configures (netns nodes, VM images, cloud-init): SCHEDBENCH_*
 * and nothing else. Every remote command is made by components/nodes/remote.ts, which sends its parameters so.
 */
export const NODE_ACCEPT_ENV = `${SSH_ENV_PREFIX}*`;

/** The environment of a remote command, as it must be sent: every name prefixed with SCHEDBENCH_. */
export function sshEnvironment<T>(environment: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name.startsWith(SSH_ENV_PREFIX) ? name : `${SSH_ENV_PREFIX}${name}`,
      value,
    ]),
  );
}

/**
 * What every sshd schedbench configures sets in its sessions (`SetEnv`). Debian's bash, started by sshd for a
 * command, sources the login user's ~/.bashrc unless it is a nested shell (SHLVL ≥ 1): on netns nodes that is the
 * host's /root/.bashrc, which can put other tools first on PATH (pyenv's python3, a module system) and cost
 * 150 ms per command (measured here). Node scripts get a known environment instead.
 */
export const NODE_SET_ENV = 'SHLVL=1';

/** The sshd_config lines every node sshd schedbench configures carries (netns nodes, VM image, cloud-init seed). */
export const NODE_SSHD_DIRECTIVES = `AcceptEnv ${NODE_ACCEPT_ENV}\nSetEnv ${NODE_SET_ENV}\n`;
