# shellcheck shell=bash
# Start slurmd for this node (idempotent: a live slurmd is left alone). Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${SPOOL_DIR:?slurmd spool directory of this node}"
: "${START_TIMEOUT:=30}"
export SLURM_CONF="$ROOT/etc/slurm.conf"
dir="$ROOT/nodes/$NODE"
install -d -m 0755 "$dir" "${SPOOL_DIR%/*}" "$SPOOL_DIR"
if ! pid_alive "$dir/slurmd.pid" slurmd; then
  setsid slurmd -N "$NODE" </dev/null >>"$dir/slurmd.out" 2>&1
fi
wait_until "$START_TIMEOUT" "slurmd of $NODE to write its pid file" pid_alive "$dir/slurmd.pid" slurmd ||
  { tail -n 20 "$dir/slurmd.log" >&2 || true; exit 1; }
jq -cn --arg node "$NODE" --argjson pid "$(<"$dir/slurmd.pid")" '{node:$node,slurmd:"up",pid:$pid}'
