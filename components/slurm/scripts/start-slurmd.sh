# shellcheck shell=bash
# Start the slurmd of each SLURM node this machine runs (idempotent: a live slurmd is left alone): its own node, or —
# emulated (docs/scale.md) — a block of emulated nodes, one slurmd each (SLURM's multiple-slurmd: each has its own
# name, port, pid file, log and spool). Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${SLURMDS:?names of the SLURM nodes whose slurmd runs here, space-separated}"
: "${RUN_DIR:?runtime directory of the cluster (slurmd spools live in it)}"
: "${START_TIMEOUT:=30}"
export SLURM_CONF="$ROOT/etc/slurm.conf"
read -r -a slurmds <<<"$SLURMDS"
install -d -m 0755 "$RUN_DIR"
started=0
for name in "${slurmds[@]}"; do
  dir="$ROOT/nodes/$name"
  install -d -m 0755 "$dir" "$RUN_DIR/$name"
  if ! pid_alive "$dir/slurmd.pid" slurmd; then
    setsid slurmd -N "$name" </dev/null >>"$dir/slurmd.out" 2>&1
    started=$((started + 1))
  fi
done
# Every slurmd daemonizes and writes its pid file; the wait covers them all, however many this machine runs.
all_up() {
  local name
  for name in "${slurmds[@]}"; do pid_alive "$ROOT/nodes/$name/slurmd.pid" slurmd || return 1; done
}
timeout_s=$((START_TIMEOUT + ${#slurmds[@]} / 10))
if ! wait_until "$timeout_s" "the ${#slurmds[@]} slurmd of $NODE to write their pid files" all_up; then
  for name in "${slurmds[@]}"; do
    pid_alive "$ROOT/nodes/$name/slurmd.pid" slurmd && continue
    log "slurmd of $name is not running; its log ends:"
    tail -n 20 "$ROOT/nodes/$name/slurmd.log" >&2 || true
    break
  done
  exit 1
fi
jq -cn --arg node "$NODE" --argjson count "${#slurmds[@]}" --argjson started "$started" \
  '{node:$node,slurmd:"up",slurmds:$count,started:$started}'
