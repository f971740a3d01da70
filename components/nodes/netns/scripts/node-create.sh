#!/usr/bin/env bash
# Creates one netns node: a network namespace on the cluster bridge, a cgroup with the node's CPU quota and
# memory limit, and the node's own sshd started inside them and inside its own UTS and mount namespaces
# (its hostname, the cluster's hosts file over /etc/hosts). Everything started over SSH inherits all of it.
# Idempotent: a second run leaves one namespace and one sshd.
set -euo pipefail
: "${CLUSTER:?}" "${NODE:?}" "${ADDRESS:?}" "${PREFIX:?}" "${BRIDGE:?}" "${NETNS:?}" "${VETH_HOST:?}"
: "${VETH_NODE:?}" "${NODE_DIR:?}" "${CLUSTER_DIR:?}" "${HOSTS_FILE:?}" "${CGROUP_PATH:?}" "${VCPUS:?}"
: "${MEMORY_MIB:?}" "${AUTHORIZED_KEY:?}" "${LOCK_FILE:?}"

ssh_dir="$NODE_DIR/sshd"
sshd_config="$ssh_dir/sshd_config"
pid_file="$ssh_dir/sshd.pid"
host_key="$ssh_dir/ssh_host_ed25519_key"
alias_tag="schedbench:${NODE}"
cfs_period_us=100000

log() { echo "node-create ${NODE}: $*" >&2; }

# The node's cgroup, one per mounted hierarchy (v2: the unified tree; v1: cpu, cpuacct, memory, which may be
# one combined mount reached through symlinks, hence the de-duplication by real path).
cgroup_dirs() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo "/sys/fs/cgroup/$CGROUP_PATH"
  else
    local c
    for c in cpu cpuacct memory; do
      echo "$(realpath "/sys/fs/cgroup/$c")/$CGROUP_PATH"
    done | awk '!seen[$0]++'
  fi
}

check_cgroups() {
  local c
  if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
    for c in cpu cpuacct memory; do
      [[ -d /sys/fs/cgroup/$c ]] || {
        log "cgroup v1 controller $c is not mounted at /sys/fs/cgroup/$c"
        exit 1
      }
    done
  fi
}

# sshd refuses keys whose path has a directory writable by others; say so instead of failing at login.
check_path_modes() {
  local dir=$1
  while [[ $dir != / ]]; do
    if [[ -n $(find "$dir" -maxdepth 0 -perm /022) ]]; then
      log "state directory component $dir is group/world-writable; sshd would refuse the node's keys (choose another schedbench:backend.stateDir)"
      exit 1
    fi
    dir=$(dirname "$dir")
  done
}

setup_files() {
  mkdir -p "$ssh_dir"
  chmod 755 "$CLUSTER_DIR" "$NODE_DIR"
  chmod 700 "$ssh_dir"
  check_path_modes "$ssh_dir"
  printf '%s\n' "$NODE" >"$NODE_DIR/.schedbench-node"
  if [[ ! -s $host_key || ! -s $host_key.pub ]]; then
    rm -f "$host_key" "$host_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C "$NODE" -f "$host_key" </dev/null >&2
  fi
  printf '%s\n' "$AUTHORIZED_KEY" >"$ssh_dir/authorized_keys"
  chmod 600 "$ssh_dir/authorized_keys"
  cat >"$sshd_config" <<CONFIG
# sshd of schedbench netns node ${NODE} (cluster ${CLUSTER}); written by node-create.sh
ListenAddress ${ADDRESS}
Port 22
HostKey ${host_key}
PidFile ${pid_file}
AuthorizedKeysFile ${ssh_dir}/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AcceptEnv *
PrintMotd no
MaxSessions 64
MaxStartups 64:30:128
Subsystem sftp /usr/lib/openssh/sftp-server
CONFIG
  mkdir -p /run/sshd # privilege separation directory (Debian's init script makes it; there is no init here)
  /usr/sbin/sshd -t -f "$sshd_config"
}

setup_network() {
  [[ -e /sys/class/net/$BRIDGE ]] || {
    log "cluster bridge ${BRIDGE} does not exist (create the cluster's bridge first)"
    exit 1
  }
  [[ -e /run/netns/$NETNS ]] || ip netns add "$NETNS"
  # A host veth whose peer is not in this namespace is left over from a half-made node: make it again.
  if [[ -e /sys/class/net/$VETH_HOST ]] && ! ip -n "$NETNS" link show dev "$VETH_NODE" >/dev/null 2>&1; then
    ip link del dev "$VETH_HOST"
  fi
  if [[ ! -e /sys/class/net/$VETH_HOST ]]; then
    ip link add name "$VETH_HOST" type veth peer name "$VETH_NODE" netns "$NETNS"
    ip link set dev "$VETH_HOST" alias "$alias_tag"
  fi
  ip link set dev "$VETH_HOST" master "$BRIDGE" up
  ip -n "$NETNS" link set dev lo up
  ip -n "$NETNS" addr replace "${ADDRESS}/${PREFIX}" dev "$VETH_NODE"
  ip -n "$NETNS" link set dev "$VETH_NODE" up
}

setup_cgroups() {
  local dir
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    # v2: controllers must be enabled on every ancestor of the node's cgroup.
    local ancestor=/sys/fs/cgroup part c
    local -a parts
    IFS=/ read -r -a parts <<<"$CGROUP_PATH"
    for part in "${parts[@]}"; do
      for c in cpu memory; do
        grep -qw "$c" "$ancestor/cgroup.controllers" || {
          log "cgroup v2 controller $c is not available in $ancestor"
          exit 1
        }
        grep -qw "$c" "$ancestor/cgroup.subtree_control" || echo "+$c" >"$ancestor/cgroup.subtree_control"
      done
      ancestor="$ancestor/$part"
      mkdir -p "$ancestor"
    done
    echo "$((VCPUS * cfs_period_us)) ${cfs_period_us}" >"$ancestor/cpu.max"
    echo "$((MEMORY_MIB * 1048576))" >"$ancestor/memory.max"
  else
    while read -r dir; do
      mkdir -p "$dir"
      [[ -f $dir/cpu.cfs_quota_us ]] && {
        echo "$cfs_period_us" >"$dir/cpu.cfs_period_us"
        echo "$((VCPUS * cfs_period_us))" >"$dir/cpu.cfs_quota_us"
      }
      [[ -f $dir/memory.limit_in_bytes ]] && echo "$((MEMORY_MIB * 1048576))" >"$dir/memory.limit_in_bytes"
    done < <(cgroup_dirs)
  fi
}

# PID of this node's sshd when it runs in this node's namespace, else nothing (and status 1).
running_sshd() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == sshd ]] || return 1
  [[ $(readlink "/proc/$pid/ns/net") == "net:[$(stat -L -c %i "/run/netns/$NETNS")]" ]] || return 1
  echo "$pid"
}

listening() {
  nsenter --net="/run/netns/$NETNS" ss -Hltn | awk -v want="${ADDRESS}:22" '$4 == want { found = 1 } END { exit !found }'
}

start_sshd() {
  export CGROUP_DIRS SSHD_CONFIG SSHD_LOG
  CGROUP_DIRS=$(cgroup_dirs)
  SSHD_CONFIG=$sshd_config
  SSHD_LOG=$ssh_dir/sshd.log
  # The subshell joins the node's cgroups first, then becomes (by exec) nsenter → unshare → sh → sshd, so
  # sshd and everything it starts are in the cgroups, the netns, and the new UTS and mount namespaces.
  # `nsenter --net`, not `ip netns exec`: the latter remounts /sys and hides /sys/fs/cgroup from the node.
  # sshd gets no descriptor of ours: not the host lock (fd 9), not the caller's stdout (it is JSON only).
  (
    exec 9>&- </dev/null >&2
    while read -r dir; do echo "$BASHPID" >"$dir/cgroup.procs"; done <<<"$CGROUP_DIRS"
    # shellcheck disable=SC2016 # expanded by the inner shell, from the environment
    exec nsenter --net="/run/netns/$NETNS" unshare --uts --mount --propagation slave \
      /bin/sh -c 'hostname "$NODE" && mount --bind "$HOSTS_FILE" /etc/hosts && exec /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$SSHD_LOG"'
  )
}

mkdir -p "$(dirname "$LOCK_FILE")"
exec 9>>"$LOCK_FILE"
flock -w 60 9 || {
  log "host lock ${LOCK_FILE} still held after 60 s"
  exit 1
}
check_cgroups
setup_files
setup_network
setup_cgroups
flock -u 9

started=false
if ! pid=$(running_sshd); then
  start_sshd
  started=true
  for _ in $(seq 100); do # bounded: 10 s
    pid=$(running_sshd) && listening && break
    sleep 0.1
  done
  if ! pid=$(running_sshd) || ! listening; then
    log "sshd did not come up listening on ${ADDRESS}:22 within 10 s; its log:"
    cat "$ssh_dir/sshd.log" >&2 || true
    exit 1
  fi
fi

printf '{"node":"%s","address":"%s","netns":"%s","sshdPid":%d,"started":%s}\n' \
  "$NODE" "$ADDRESS" "$NETNS" "$pid" "$started"
