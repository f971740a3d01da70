# shellcheck shell=bash
# Stop the slurmd of each SLURM node this machine runs (by PID: all are sent SIGTERM at once, then each gets the
# bounded wait and SIGKILL), and anything of the cluster left on the machine.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${SLURMDS:?names of the SLURM nodes whose slurmd runs here, space-separated}"
: "${STOP_TIMEOUT:=10}"
read -r -a slurmds <<<"$SLURMDS"
for name in "${slurmds[@]}"; do
  if pid_alive "$ROOT/nodes/$name/slurmd.pid" slurmd; then kill -TERM "$(<"$ROOT/nodes/$name/slurmd.pid")" 2>/dev/null || true; fi
done
for name in "${slurmds[@]}"; do stop_pidfile "$ROOT/nodes/$name/slurmd.pid" slurmd "$STOP_TIMEOUT"; done
# Jobs inherit SLURM_CONF from sbatch, slurmstepd from slurmd; the controller's daemons carry it too, and their own
# stop script ends them gracefully.
kill_marked_processes "SLURM_CONF=$ROOT/etc/slurm.conf" slurmctld slurmdbd slurmscriptd
jq -cn --arg node "$NODE" --argjson count "${#slurmds[@]}" '{node:$node,slurmd:"stopped",slurmds:$count}'
