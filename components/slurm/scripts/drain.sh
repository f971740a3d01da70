# shellcheck shell=bash
# Cancel every job of the cluster and wait (bounded) until the queue is empty: the first step of tearing the
# cluster down. Succeeds when the controller is already gone.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${STOP_TIMEOUT:=10}"
export SLURM_CONF="$ROOT/etc/slurm.conf"
if [[ ! -f "$SLURM_CONF" ]] || ! pid_alive "$ROOT/slurmctld/slurmctld.pid" slurmctld; then
  printf '{"cancelled":0,"controller":"absent"}\n'
  exit 0
fi
mapfile -t jobs < <(squeue -h -o %i 2>/dev/null || true)
if ((${#jobs[@]} > 0)); then
  scancel "${jobs[@]}" 2>/dev/null || true
fi
queue_empty() { [[ -z "$(squeue -h -o %i 2>/dev/null)" ]]; }
wait_until "$STOP_TIMEOUT" "the queue to empty" queue_empty || log "jobs still queued; the daemons' stop will end them"
printf '{"cancelled":%d}\n' "${#jobs[@]}"
