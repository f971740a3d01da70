#!/usr/bin/env bash
# Creates one netns node: a network namespace on the cluster bridge, a cgroup with the node's CPU quota and
# memory limit, and the node's own sshd started inside them and inside its own UTS and mount namespaces
# (its hostname, the cluster's hosts file over /etc/hosts). Everything started over SSH inherits all of it.
# Idempotent: a second run leaves one namespace and one sshd.
set -euo pipefail
: "${CLUSTER:?}" "${NODE:?}" "${ADDRESS:?}" "${PREFIX:?}" "${BRIDGE:?}" "${NETNS:?}" "${VETH_HOST:?}"
: "${VETH_NODE:?}" "${NODE_DIR:?}" "${CLUSTER_DIR:?}" "${HOSTS_FILE:?}" "${CGROUP_PATH:?}" "${VCPUS:?}"
: "${MEMORY_MIB:?}" "${AUTHORIZED_KEY:?}" "${LOCK_FILE:?}" "${STACK:?}" "${SSHD_DIRECTIVES:?}"
# stdin: the node's SSH host private key (made by the program, a Pulumi secret; its public half is pinned in
# every connection to the node, so clients know they talk to this sshd).
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_SUBJECT=$NODE

ssh_dir="$NODE_DIR/sshd"
sshd_config="$ssh_dir/sshd_config"
pid_file="$ssh_dir/sshd.pid"
host_key="$ssh_dir/ssh_host_ed25519_key"
alias_tag="schedbench:${NODE}@${STACK}"
cfs_period_us=100000

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

setup_files() {
  own_dir "$NODE_DIR" .schedbench-node "$NODE@$STACK"
  [[ -e $ssh_dir ]] || mkdir -m 0700 -- "$ssh_dir"
  [[ -d $ssh_dir && ! -L $ssh_dir ]] || die "${ssh_dir} is not a directory of ours"
  chmod 0700 -- "$ssh_dir"
  if [[ ! -s $host_key ]] || ! cmp -s "$host_key" <(printf '%s\n' "$HOST_PRIVATE_KEY"); then
    printf '%s\n' "$HOST_PRIVATE_KEY" | write_file "$host_key" 600
    host_key_changed=true
  fi
  ssh-keygen -y -f "$host_key" | write_file "$host_key.pub" 644
  printf '%s\n' "$AUTHORIZED_KEY" | write_file "$ssh_dir/authorized_keys" 600
  [[ ! -L $sshd_config ]] || die "${sshd_config} is a symlink"
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
${SSHD_DIRECTIVES}
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
    done < <(cgroup_dirs "$CGROUP_PATH")
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
  CGROUP_DIRS=$(cgroup_dirs "$CGROUP_PATH")
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

HOST_PRIVATE_KEY=$(cat)
[[ $HOST_PRIVATE_KEY == *"PRIVATE KEY"* ]] || die "no SSH host private key on stdin"
host_key_changed=false

take_host_lock
[[ -d $CLUSTER_DIR && ! -L $CLUSTER_DIR ]] || die "cluster directory ${CLUSTER_DIR} is missing (create the cluster's bridge first)"
check_cgroups
setup_files # refuses, before anything else changes, a node directory of another stack
record_run "$NETNS"
setup_network
setup_cgroups
flock -u 9

started=false
# A new host key (the program made another one) needs a new sshd: the old one still presents the old key.
if [[ $host_key_changed == true ]] && pid=$(running_sshd); then
  kill -TERM "$pid"
  wait_until 10 "sshd ${pid} to exit" pid_gone "$pid" || die "old sshd ${pid} did not exit"
fi
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
