# shellcheck shell=bash
# Stop this node's containerd: every container task it still runs is killed first, then containerd by PID
# (bounded SIGTERM → SIGKILL), then any shim left, then every mount under its directories; its root and state go.
# Succeeds on a half-made node. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
: "${RUN_DIR:=$NODE_DIR}" # runtime directory (clusters made before it existed kept their sockets in NODE_DIR)
: "${BIN_DIR:?directory with the binaries}"
: "${STOP_TIMEOUT:=15}"
socket="$RUN_DIR/cd.sock"
kill_containers "$socket"
stop_pidfile "$NODE_DIR/containerd.pid" containerd "$STOP_TIMEOUT"
# Shims outlive containerd by design; ours name our socket on their command line.
kill_matching "$socket"
unmount_under "$NODE_DIR/containerd"
rm -rf --one-file-system -- "$NODE_DIR/containerd"
printf '{"node":"%s","containerd":"stopped"}\n' "$NODE"
