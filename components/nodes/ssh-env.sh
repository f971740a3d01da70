# shellcheck shell=bash
# Prepended to scripts that run over SSH: their parameters arrive as SCHEDBENCH_<NAME> (node sshds accept
# `AcceptEnv SCHEDBENCH_*` and nothing else, so no client can set LD_PRELOAD or BASH_ENV for sshd's shell);
# here they get their names back. Only the names the command declared get theirs back: sshEnvironment()
# (ssh-env.ts) lists them in SCHEDBENCH_PARAMETERS; any other SCHEDBENCH_* variable stays as it came. Names that
# change how programs load or shells start are refused even when declared (the same list as DANGEROUS_NAME in
# ssh-env.ts).
_sb_declared=" ${SCHEDBENCH_PARAMETERS:-} "
for _sb_var in $(compgen -v SCHEDBENCH_); do
  _sb_name=${_sb_var#SCHEDBENCH_}
  [[ $_sb_name != PARAMETERS && $_sb_declared == *" ${_sb_name} "* ]] || continue
  [[ $_sb_name =~ ^[A-Z][A-Z0-9_]*$ ]] || continue
  case $_sb_name in
  LD_* | BASH_* | ENV | BASHOPTS | SHELLOPTS | PATH | IFS | PS4 | HOME | SHELL | GLOBIGNORE | CDPATH | TMPDIR | \
    PYTHON* | PERL* | RUBY* | NODE_OPTIONS | GCONV_PATH | LOCPATH | NLSPATH | HOSTALIASES | LOCALDOMAIN | \
    RES_OPTIONS | MALLOC_* | GLIBC_TUNABLES | SECONDS | RANDOM | PPID | UID | EUID)
    printf '%s: refusing parameter %s from the SSH environment\n' "${0##*/}" "$_sb_var" >&2
    exit 1
    ;;
  esac
  export "$_sb_name=${!_sb_var}"
done
unset _sb_var _sb_name _sb_declared
