# shellcheck shell=bash
# Stop the cluster's munged on this node (by PID, bounded SIGTERM then SIGKILL). Safe to repeat.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${STOP_TIMEOUT:=10}"
stop_pidfile "$ROOT/munge/munged.pid" munged "$STOP_TIMEOUT"
rm -f "$ROOT/munge/munge.socket" "$ROOT/munge/munge.socket.lock" "$ROOT/munge/start.lock"
drop_lock "$(munge_lock)"
printf '{"munged":"stopped"}\n'
