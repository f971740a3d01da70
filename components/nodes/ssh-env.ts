// Parameters of scripts that run over SSH travel as SCHEDBENCH_<NAME> environment requests: node sshds accept
// `AcceptEnv SCHEDBENCH_*` only (not `*`, which would let any SSH user set LD_PRELOAD or BASH_ENV), and
// ssh-env.sh, prepended to the script, gives the parameters their names back.
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

/** The prefix every parameter sent over SSH carries. */
export const SSH_ENV_PREFIX = 'SCHEDBENCH_';

/** components/nodes/ssh-env.sh: prepend it (after the prelude) to a script that runs over SSH. */
export const SSH_ENV_LIB = path.join(__dirname, 'ssh-env.sh');

/**
 * Names that change how programs load or shells start: never accepted from an SSH client, under any name
 * (`AcceptEnv *` would let any SSH user set them for the shell sshd starts).
 */
const DANGEROUS_NAME =
  /^(LD_.*|BASH_.*|ENV|PATH|IFS|PS4|SHELLOPTS|BASHOPTS|GLOBIGNORE|CDPATH|HOME|SHELL|TMPDIR|PYTHON.*|PERL.*|RUBY.*|NODE_OPTIONS|GCONV_PATH|LOCPATH|NLSPATH|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|MALLOC_.*|GLIBC_TUNABLES)$/;

/** bash's own variables: read by the scripts, never parameters (SECONDS from a client would skew every wait). */
const SHELL_VARIABLE =
  /^(BASHPID|EPOCHREALTIME|EPOCHSECONDS|PPID|SECONDS|RANDOM|LINENO|UID|EUID|HOSTNAME|OPTIND|OPTARG|REPLY|FUNCNAME|PIPESTATUS|SHLVL|PWD|OLDPWD)$/;

/** Every upper-case variable name the node scripts under `dir` (recursively: `scripts/` folders, prelude.sh) read. */
function scriptParameterNames(dir: string): string[] {
  const names = new Set<string>();
  const walk = (d: string, inScripts: boolean) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules')
        walk(p, inScripts || entry.name === 'scripts');
      else if (entry.isFile() && entry.name.endsWith('.sh') && (inScripts || entry.name === 'prelude.sh'))
        for (const m of readFileSync(p, 'utf8').matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g))
          names.add(m[1] as string);
    }
  };
  walk(dir, false);
  return [...names]
    .filter((n) => !DANGEROUS_NAME.test(n) && !SHELL_VARIABLE.test(n) && !n.startsWith(SSH_ENV_PREFIX))
    .sort();
}

/**
 * Transition: the parameter names the scripts of other components (scheduler, samplers, workloads) still
 * receive under their own names — every upper-case variable their scripts read, never a dangerous one. Node
 * sshds accept them too until every remote command sends `sshEnvironment(...)`; then this list goes and
 * NODE_ACCEPT_ENV is `SCHEDBENCH_*` alone.
 */
export const TRANSITIONAL_PARAMETER_NAMES: readonly string[] = scriptParameterNames(
  path.join(__dirname, '..'),
);

/** The `AcceptEnv` patterns of every sshd schedbench configures (netns nodes, VM images, cloud-init). */
export const NODE_ACCEPT_ENV = [`${SSH_ENV_PREFIX}*`, ...TRANSITIONAL_PARAMETER_NAMES].join(' ');

/** The environment of a remote command, as it must be sent: every name prefixed with SCHEDBENCH_. */
export function sshEnvironment<T>(environment: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name.startsWith(SSH_ENV_PREFIX) ? name : `${SSH_ENV_PREFIX}${name}`,
      value,
    ]),
  );
}
