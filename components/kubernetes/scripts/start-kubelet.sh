# shellcheck shell=bash
# Start this node's kubelet (idempotent): its cgroupRoot made in every cgroup hierarchy the kubelet checks (it
# lies inside the node's own cgroup), forwarding and routes to the other nodes' pod CIDRs in the node's network
# namespace, then the kubelet detached with a pid file; waits for its /healthz. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
: "${BIN_DIR:?directory with the binaries}"
: "${KUBELET_ARGS:?kubelet flags, one a line}"
: "${CGROUP_ROOT:?cgroupRoot of the kubelet}"
: "${ROUTES=}"
: "${START_TIMEOUT:=60}"

# cgroup v1: the kubelet wants its cgroupRoot in every hierarchy; cpuset ones start empty, so copy the parent's.
while read -r h; do
  [[ -n "$h" && -d "$h" ]] || continue
  mkdir -p "$h$CGROUP_ROOT"
  if [[ -f "$h/cpuset.cpus" ]]; then
    d="$h"
    IFS=/ read -r -a parts <<<"${CGROUP_ROOT#/}"
    for part in "${parts[@]}"; do
      parent="$d"; d="$d/$part"
      [[ -n "$(<"$d/cpuset.cpus")" ]] || cat "$parent/cpuset.cpus" >"$d/cpuset.cpus"
      [[ -n "$(<"$d/cpuset.mems")" ]] || cat "$parent/cpuset.mems" >"$d/cpuset.mems"
    done
  fi
done < <(v1_hierarchies)
# cgroup v2: the kubelet needs cpu, cpuset, hugetlb, memory and pids in its cgroupRoot, so each level above it
# must pass them down (cgroup.subtree_control). systemd enables only what its own units use at the root of a
# machine of its own; a netns node's cgroup holds its sshd and cannot (docs/kubernetes.md).
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  mkdir -p "/sys/fs/cgroup$CGROUP_ROOT"
  d=/sys/fs/cgroup
  IFS=/ read -r -a parts <<<"${CGROUP_ROOT#/}"
  for part in "${parts[@]}"; do
    for c in $(<"$d/cgroup.controllers"); do
      grep -qw "$c" "$d/cgroup.subtree_control" || echo "+$c" 2>/dev/null >"$d/cgroup.subtree_control" || true
    done
    d="$d/$part"
  done
fi

pod_network_up # forwarding on, routes to the other nodes' pods (lib.sh)

mapfile -t args <<<"$KUBELET_ARGS"
# The host-wide settings the kubelet is about to change: saved first (lib.sh), restored by the last to stop.
save_host_sysctls
start_daemon "$NODE_DIR/kubelet.pid" kubelet "$NODE_DIR/log/kubelet.log" "$BIN_DIR/bin/kubelet" "${args[@]}"
# Healthy, or exited (then waiting longer is pointless: the log says why).
healthy() {
  pid_gone "$(<"$NODE_DIR/kubelet.pid")" && return 0
  [[ "$(curl -fsS --max-time 2 http://127.0.0.1:10248/healthz 2>/dev/null)" == ok ]]
}
if ! wait_until "$START_TIMEOUT" "the kubelet of $NODE to be healthy" healthy || ! pid_alive "$NODE_DIR/kubelet.pid" kubelet; then
  tail -n 200 "$NODE_DIR/log/kubelet.log" | grep -E '^E' | tail -n 10 >&2 || true
  die "kubernetes: the kubelet of node $NODE is not healthy (log: $NODE_DIR/log/kubelet.log)"
fi
jq -cn --arg node "$NODE" --argjson pid "$(<"$NODE_DIR/kubelet.pid")" --arg cgroupRoot "$CGROUP_ROOT" \
  '{node:$node,kubelet:"up",pid:$pid,cgroupRoot:$cgroupRoot}'
