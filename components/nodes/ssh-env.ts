// Parameters of scripts that run over SSH travel as SCHEDBENCH_<NAME> environment requests: node sshds accept
// `AcceptEnv SCHEDBENCH_*` only (not `*`, which would let any SSH user set LD_PRELOAD or BASH_ENV), and
// ssh-env.sh, prepended to the script, gives the parameters their names back — only those the command declared
// (SCHEDBENCH_PARAMETERS, an allowlist per command), never one that changes how programs load or shells start.
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

/** The variable listing the parameter names a command declares (space-separated, without the prefix). */
export const SSH_PARAMETERS_VARIABLE = `${SSH_ENV_PREFIX}PARAMETERS`;

/**
 * Names ssh-env.sh never gives back, declared or not (the same list as its `case`): they change how programs load
 * (LD_*, interpreter paths and options, malloc and glibc tunables, gconv and locale paths, resolver settings) or
 * how shells start and behave.
 */
export const DANGEROUS_NAME =
  /^(?:LD_.*|BASH_.*|ENV|BASHOPTS|SHELLOPTS|PATH|IFS|PS4|HOME|SHELL|GLOBIGNORE|CDPATH|TMPDIR|PYTHON.*|PERL.*|RUBY.*|NODE_OPTIONS|GCONV_PATH|LOCPATH|NLSPATH|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|MALLOC_.*|GLIBC_TUNABLES|SECONDS|RANDOM|PPID|UID|EUID)$/;

/**
 * The environment of a remote command, as it must be sent: every name prefixed with SCHEDBENCH_, and the names
 * declared in SCHEDBENCH_PARAMETERS — on the node, ssh-env.sh gives back only those. A dangerous name is refused
 * here, when the program is built, rather than by the node.
 */
export function sshEnvironment<T>(environment: Record<string, T>): Record<string, T | string> {
  const sent: Record<string, T | string> = {};
  const declared: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const full = name.startsWith(SSH_ENV_PREFIX) ? name : `${SSH_ENV_PREFIX}${name}`;
    if (full === SSH_PARAMETERS_VARIABLE) continue; // recomputed below (sshEnvironment of its own output)
    const bare = full.slice(SSH_ENV_PREFIX.length);
    if (DANGEROUS_NAME.test(bare))
      throw new Error(
        `remote command parameter ${bare}: a name that changes how programs load or shells start`,
      );
    sent[full] = value;
    declared.push(bare);
  }
  sent[SSH_PARAMETERS_VARIABLE] = [...new Set(declared)].sort().join(' ');
  return sent;
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
