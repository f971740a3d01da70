# shellcheck shell=bash
# Stop this node's kubelet by PID (bounded SIGTERM → SIGKILL), kill the containers it left (through this node's
# containerd), then remove what pods left behind: the cluster's CNI bridge and routes in this node's network
# namespace (forwarding as it was), IPAM state, mounts under the kubelet's root, its cgroups; the last kubelet to stop
# restores the host's kernel settings. Succeeds on a half-made node. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
: "${RUN_DIR:=$NODE_DIR}" # runtime directory (clusters made before it existed kept their sockets in NODE_DIR)
: "${BIN_DIR:?directory with the binaries}"
: "${CGROUP_ROOT:?cgroupRoot of the kubelet}"
: "${ROUTES=}"
: "${POD_BRIDGE:=cni0}" # the cluster's pod bridge (clusters made before it was named after the cluster: cni0)
: "${STOP_TIMEOUT:=15}"
stop_pidfile "$NODE_DIR/kubelet.pid" kubelet "$STOP_TIMEOUT"
# The last kubelet on this host gives back the kernel settings the first one found (lib.sh).
restore_host_sysctls
socket="$RUN_DIR/cd.sock"
kill_containers "$socket"
unmount_under "$RUN_DIR/kubelet"
pod_network_down # the cluster's bridge and routes gone, forwarding as it was (lib.sh)
rm -rf --one-file-system -- "$NODE_DIR/cni/ipam" "$RUN_DIR/kubelet" "$NODE_DIR/pod-logs"
# The kubelet links every container's log into /var/log/containers; ours point into this node's directory.
find /var/log/containers -maxdepth 1 -type l -lname "$NODE_DIR/*" -delete 2>/dev/null || true
status=0
remove_cgroup_tree "$CGROUP_ROOT" || status=$?
# The copies of the node's own cgroup in hierarchies the node backend does not manage (cpuset, pids, …): ours.
parent="${CGROUP_ROOT%/*}"
while read -r h; do
  [[ -n "$h" ]] || continue
  case "$h" in */cpu | */cpuacct | */memory | */cpu,cpuacct | */cpuacct,cpu) continue ;; esac
  d="$parent"
  while [[ -n "$d" && "$d" != / && -d "$h$d" ]]; do
    rmdir "$h$d" 2>/dev/null || break
    d="${d%/*}"
  done
done < <(v1_hierarchies)
printf '{"node":"%s","kubelet":"stopped","cgroupsRemoved":%s}\n' "$NODE" "$([[ $status == 0 ]] && echo true || echo false)"
exit "$status"
