# shellcheck shell=bash
# Stop this node's slurmd (by PID, bounded SIGTERM then SIGKILL) and anything of the cluster left on the node.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${STOP_TIMEOUT:=10}"
stop_pidfile "$ROOT/nodes/$NODE/slurmd.pid" slurmd "$STOP_TIMEOUT"
# Jobs inherit SLURM_CONF from sbatch, slurmstepd from slurmd; the controller's daemons carry it too, and their own
# stop script ends them gracefully.
kill_marked_processes "SLURM_CONF=$ROOT/etc/slurm.conf" slurmctld slurmdbd slurmscriptd
printf '{"node":"%s","slurmd":"stopped"}\n' "$NODE"
