# shellcheck shell=bash
# Stop this node's slurmd (by PID, bounded SIGTERM then SIGKILL) and anything of the cluster left on the node.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${STOP_TIMEOUT:=10}"
stop_pidfile "$ROOT/nodes/$NODE/slurmd.pid" slurmd "$STOP_TIMEOUT"
kill_cluster_processes "$ROOT/etc/slurm.conf"
printf '{"node":"%s","slurmd":"stopped"}\n' "$NODE"
