# shellcheck shell=bash
# Stop the slurmd of each SLURM node this machine runs, and anything of the cluster left on the machine. By PID:
# every live slurmd's pid is read first, all are sent SIGTERM at once (hundreds on one machine when emulated), the
# wait for them is bounded and the ones left get SIGKILL. (A slurmd removes its own pid file as it exits, so the
# files are read before any signal, never after.)
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${SLURMDS:?names of the SLURM nodes whose slurmd runs here, space-separated}"
: "${STOP_TIMEOUT:=10}"
read -r -a slurmds <<<"$SLURMDS"
pids=()
for name in "${slurmds[@]}"; do
  pidfile="$ROOT/nodes/$name/slurmd.pid"
  pid_alive "$pidfile" slurmd || continue
  pid="$(cat "$pidfile" 2>/dev/null)" || continue
  pids+=("$pid")
done
all_gone() {
  local p
  for p in "${pids[@]}"; do pid_gone "$p" || return 1; done
}
if ((${#pids[@]} > 0)); then
  kill -TERM "${pids[@]}" 2>/dev/null || true
  if ! wait_until "$STOP_TIMEOUT" "the ${#pids[@]} slurmd of $NODE to exit after SIGTERM" all_gone; then
    for p in "${pids[@]}"; do
      pid_gone "$p" && continue
      log "sending SIGKILL to slurmd ($p)"
      kill -KILL "$p" 2>/dev/null || true
    done
    wait_until 5 "the slurmd of $NODE to exit after SIGKILL" all_gone || true
  fi
fi
for name in "${slurmds[@]}"; do rm -f "$ROOT/nodes/$name/slurmd.pid"; done
# Jobs inherit SLURM_CONF from sbatch, slurmstepd from slurmd; the controller's daemons carry it too, and their own
# stop script ends them gracefully.
kill_marked_processes "SLURM_CONF=$ROOT/etc/slurm.conf" slurmctld slurmdbd slurmscriptd
jq -cn --arg node "$NODE" --argjson count "${#slurmds[@]}" --argjson stopped "${#pids[@]}" \
  '{node:$node,slurmd:"stopped",slurmds:$count,stopped:$stopped}'
