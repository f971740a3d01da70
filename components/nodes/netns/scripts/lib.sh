# shellcheck shell=bash
# Helpers prepended to every netns script (components/nodes/netns/env.ts), after components/prelude.sh: the
# node's cgroups, the host lock, and the rules for the directories root writes in. Not run on its own.

# log MESSAGE… : "<script> <subject>: message" on stderr; scripts set LOG_SUBJECT (their node or cluster).
log() { printf '%s %s: %s\n' "${0%.sh}" "${LOG_SUBJECT:-}" "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# cgroup_dirs CGROUP_PATH : the cgroup's directory in each mounted hierarchy (v2: the unified tree; v1: cpu,
# cpuacct and memory, which may be one combined mount reached through symlinks, hence de-duplicated by real path).
cgroup_dirs() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo "/sys/fs/cgroup/$1"
  else
    local c
    for c in cpu cpuacct memory; do
      [[ -d /sys/fs/cgroup/$c ]] && echo "$(realpath "/sys/fs/cgroup/$c")/$1"
    done | awk '!seen[$0]++'
  fi
}

# owner_mode PATH : "<uid> <octal mode>" of PATH itself (a symlink is not followed).
owner_mode() { stat -c '%u %a' -- "$1"; }

# trusted_dir DIR : DIR is a real directory (no symlink anywhere on its path) that only root can change, and so
# is every directory above it. A directory anyone else can write (e.g. /tmp) could be swapped for a symlink.
trusted_dir() {
  local dir=$1 uid mode
  [[ $(realpath -e -- "$dir" 2>/dev/null) == "$dir" ]] || return 1
  while :; do
    [[ -d $dir && ! -L $dir ]] || return 1
    read -r uid mode < <(owner_mode "$dir")
    ((uid == 0 && (8#$mode & 8#022) == 0)) || return 1
    [[ $dir == / ]] && return 0
    dir=$(dirname "$dir")
  done
}

# private_dir DIR : DIR exists, is root's and nobody else's (0700), and lies under trusted directories.
private_dir() {
  local dir=$1
  [[ -e $dir || -L $dir ]] || (umask 022 && mkdir -p -- "$(dirname "$dir")" && mkdir -m 0700 -- "$dir")
  if ! trusted_dir "$(dirname "$dir")" || ! trusted_dir "$dir" || [[ $(owner_mode "$dir") != "0 700" ]]; then
    die "lock directory ${dir} must be a directory owned by root with mode 0700 under root-owned directories (found: $(ls -ld -- "$dir" 2>&1))"
  fi
}

# take_host_lock : serialise host-wide changes of every netns cluster (fd 9), in root's private lock directory.
take_host_lock() {
  private_dir "$(dirname "$LOCK_FILE")"
  [[ ! -L $LOCK_FILE ]] || die "lock file ${LOCK_FILE} is a symlink"
  exec 9>>"$LOCK_FILE"
  flock -w 60 9 || die "host lock ${LOCK_FILE} still held after 60 s"
}

# STATE_MARKER: in a state root schedbench created itself; only such a root is ever removed.
STATE_MARKER=.schedbench-created

# state_root_ready : the state root (schedbench:backend.stateDir) exists and only root can change it or anything
# above it; a missing one is created (and marked as ours). An existing one is checked, never chmod-ed.
state_root_ready() {
  local parent
  if [[ ! -e $STATE_ROOT && ! -L $STATE_ROOT ]]; then
    parent=$(dirname "$STATE_ROOT")
    while [[ ! -e $parent ]]; do parent=$(dirname "$parent"); done
    trusted_dir "$parent" ||
      die "schedbench:backend.stateDir: ${parent} (above ${STATE_ROOT}) is not a root-owned directory that only root can write; choose another stateDir"
    (umask 022 && mkdir -p -- "$STATE_ROOT")
    : >"$STATE_ROOT/$STATE_MARKER"
  fi
  trusted_dir "$STATE_ROOT" ||
    die "schedbench:backend.stateDir: ${STATE_ROOT} must be a real directory (no symlinks) that only root can write, as must every directory above it (found: $(ls -ld -- "$STATE_ROOT" 2>&1)); choose another stateDir"
}

# own_dir DIR MARKER CONTENT : DIR exists under a trusted parent and carries MARKER with CONTENT: made here (mkdir
# fails on anything already there) and marked at once, or made before with that marker. An existing DIR without it
# belongs to someone else — even an empty one — and is refused: never adopted, so never removed at destroy. Not a
# symlink, so writes in it stay in it.
own_dir() {
  local dir=$1 marker=$2 content=$3
  if mkdir -m 0755 -- "$dir" 2>/dev/null; then
    printf '%s\n' "$content" >"$dir/$marker"
  else
    [[ -d $dir && ! -L $dir ]] || die "${dir} exists and is not a directory of ours"
    [[ -f $dir/$marker && ! -L $dir/$marker ]] || die "${dir} exists without a schedbench marker; leaving it alone"
    [[ $(<"$dir/$marker") == "$content" ]] || die "${dir} belongs to '$(<"$dir/$marker")', not '${content}'"
  fi
  chmod 0755 -- "$dir"
}

# marked DIR MARKER CONTENT : DIR is a real directory whose marker says it is CONTENT's.
marked() {
  [[ -d $1 && ! -L $1 && -f $1/$2 && ! -L $1/$2 && $(<"$1/$2") == "$3" ]]
}

# write_file PATH MODE : stdin → PATH (never through a symlink), then chmod MODE.
write_file() {
  [[ ! -L $1 ]] || die "${1} is a symlink; refusing to write through it"
  cat >"$1"
  chmod "$2" -- "$1"
}

# RUN_DIR: which run (SCHEDBENCH_RUN_ID: a jest run, a runner) made each node, so that the run's clean-up after an
# interruption stops its own nodes and no other run's (components/nodes/leftovers.ts). Root's only, like the lock.
RUN_DIR=/run/schedbench/runs

# record_run NETNS : note the run that made the node (nothing when no run id is set).
record_run() {
  [[ -n ${SCHEDBENCH_RUN_ID:-} ]] || return 0
  [[ $SCHEDBENCH_RUN_ID =~ ^[A-Za-z0-9_.-]+$ ]] || die "SCHEDBENCH_RUN_ID must be of A-Z a-z 0-9 _ . -"
  private_dir "$RUN_DIR"
  [[ ! -L $RUN_DIR/$1 ]] || die "${RUN_DIR}/$1 is a symlink"
  printf '%s\n' "$SCHEDBENCH_RUN_ID" >"$RUN_DIR/$1"
}

# forget_run NETNS
forget_run() { rm -f -- "${RUN_DIR:?}/$1"; }

# Bridged frames between two nodes pass the host's iptables FORWARD chain when br_netfilter is loaded and
# bridge-nf-call-iptables is 1 — Docker loads it and sets FORWARD's policy to DROP, which would cut nodes off from
# each other. Each iptables backend in use therefore gets one rule, marked with the cluster's tag, accepting what
# stays on this cluster's bridge (never anything that leaves it); bridge-delete removes exactly that rule.

# firewall_tools : the iptables commands whose FORWARD chain the kernel evaluates here, one per line. The legacy
# backend only when its tables are loaded already (listing them would load the module and create them).
firewall_tools() {
  if command -v iptables-nft >/dev/null; then
    echo iptables-nft
  elif command -v iptables >/dev/null; then
    echo iptables
  fi
  # (/proc files report size 0: read it, do not test its size.)
  if command -v iptables-legacy >/dev/null && [[ -n $(cat /proc/net/ip_tables_names 2>/dev/null) ]]; then
    echo iptables-legacy
  fi
}

# bridge_filtered : "1" when bridged IPv4 traffic goes through iptables on this host now.
bridge_filtered() { cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 0; }

# allow_bridge_forwarding TAG : the ACCEPT rule for this bridge in every backend (idempotent).
allow_bridge_forwarding() {
  local tool found=false
  local -a match=(-i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$1" -j ACCEPT)
  while read -r tool; do
    found=true
    "$tool" -w 10 -C FORWARD "${match[@]}" 2>/dev/null && continue
    "$tool" -w 10 -I FORWARD 1 "${match[@]}" ||
      die "could not add the FORWARD rule that lets nodes on ${BRIDGE} reach each other (${tool})"
  done < <(firewall_tools)
  if [[ $found == false && $(bridge_filtered) == 1 ]]; then
    log "warning: bridged traffic goes through iptables (br_netfilter) but no iptables command is installed;" \
      "if FORWARD's policy is DROP, nodes cannot reach each other (install iptables)"
  fi
}

# drop_bridge_forwarding TAG : removes this bridge's rule from every backend (every copy; none is fine).
drop_bridge_forwarding() {
  local tool
  local -a match=(-i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$1" -j ACCEPT)
  while read -r tool; do
    while "$tool" -w 10 -C FORWARD "${match[@]}" 2>/dev/null; do
      "$tool" -w 10 -D FORWARD "${match[@]}"
    done
  done < <(firewall_tools)
}
