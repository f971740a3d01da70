#!/usr/bin/env bash
# Deletes one netns node and leaves nothing: every process in its cgroup or namespace (SIGTERM, then SIGKILL,
# bounded), its veth pair, its network namespace, its cgroups and its files. Succeeds on a half-made node. A node
# whose marks name another stack (the same cluster name) is left alone, its processes first.
set -euo pipefail
: "${CLUSTER:?}" "${NODE:?}" "${NETNS:?}" "${VETH_HOST:?}" "${NODE_DIR:?}" "${CGROUP_PATH:?}" "${LOCK_FILE:?}" "${STACK:?}"
: "${CLUSTER_DIR:?}"
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_SUBJECT=$NODE

pid_file="$NODE_DIR/sshd/sshd.pid"
alias_tag="schedbench:${NODE}@${STACK}"

# Every process that belongs to the node: in its cgroups, in its network namespace, or its recorded sshd.
node_pids() {
  local dir pid
  while read -r dir; do
    [[ -f $dir/cgroup.procs ]] && cat "$dir/cgroup.procs"
  done < <(cgroup_dirs "$CGROUP_PATH")
  [[ -e /run/netns/$NETNS ]] && ip netns pids "$NETNS"
  if [[ -f $pid_file ]]; then
    pid=$(<"$pid_file")
    [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == sshd ]] && echo "$pid"
  fi
  return 0
}

# True when any of the PIDs still runs (a zombie has finished: only its parent's reaping is left).
alive() {
  local pid stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]] && return 0
  done
  return 1
}

# Signal the node's processes until none is left; polls (bounded) so late forks are caught too.
stop_processes() {
  local signal pids
  for signal in TERM KILL; do
    for _ in $(seq 100); do # bounded: 5 s per signal
      mapfile -t pids < <(node_pids | sort -un)
      ((${#pids[@]} == 0)) && return 0
      kill "-$signal" "${pids[@]}" 2>/dev/null || true
      sleep 0.05
      mapfile -t pids < <(node_pids | sort -un)
      alive "${pids[@]}" || return 0
    done
    log "processes still alive after SIG${signal}: ${pids[*]}"
  done
  mapfile -t pids < <(node_pids | sort -un)
  if alive "${pids[@]}"; then
    log "cannot stop processes ${pids[*]}"
    exit 1
  fi
}

# Another stack that names the same cluster (and so the same namespace, cgroups and interfaces): none of it is this
# node's, so nothing is signalled or removed. Its marks say whose it is.
foreign=""
if [[ -f $NODE_DIR/.schedbench-node ]] && ! marked "$NODE_DIR" .schedbench-node "$NODE@$STACK"; then
  foreign="${NODE_DIR} belongs to '$(<"$NODE_DIR/.schedbench-node")'"
elif [[ -f $CLUSTER_DIR/.schedbench-netns ]] && ! marked "$CLUSTER_DIR" .schedbench-netns "$CLUSTER@$STACK"; then
  foreign="${CLUSTER_DIR} belongs to '$(<"$CLUSTER_DIR/.schedbench-netns")'"
elif [[ -e /sys/class/net/$VETH_HOST ]]; then
  owner=$(cat "/sys/class/net/$VETH_HOST/ifalias")
  [[ $owner != schedbench:* || $owner == "$alias_tag" ]] || foreign="interface ${VETH_HOST} belongs to '${owner}'"
fi
if [[ -n $foreign ]]; then
  log "leaving everything of node ${NODE}: ${foreign}, not ${NODE}@${STACK}"
  printf '{"node":"%s","deleted":false,"foreign":true}\n' "$NODE"
  exit 0
fi

stop_processes

take_host_lock
if [[ -e /sys/class/net/$VETH_HOST ]]; then
  if [[ $(cat "/sys/class/net/$VETH_HOST/ifalias") == "$alias_tag" ]]; then
    ip link del dev "$VETH_HOST" # takes its peer inside the namespace with it
  else
    log "leaving ${VETH_HOST}, it is not this node's"
  fi
fi
[[ -e /run/netns/$NETNS ]] && ip netns del "$NETNS"
forget_run "$NETNS"
while read -r dir; do
  [[ -d $dir ]] || continue
  rmdir "$dir"
  rmdir "$(dirname "$dir")" 2>/dev/null || true # the cluster's parent, once its last node is gone
done < <(cgroup_dirs "$CGROUP_PATH")
flock -u 9

# The marker proves the directory is this node's (and stack's), so removing it whole can never hit anything else.
if marked "$NODE_DIR" .schedbench-node "$NODE@$STACK"; then
  rm -rf --one-file-system -- "$NODE_DIR"
elif [[ -e $NODE_DIR || -L $NODE_DIR ]]; then
  log "leaving ${NODE_DIR}, it has no schedbench marker for this node and stack"
fi

printf '{"node":"%s","deleted":true}\n' "$NODE"
