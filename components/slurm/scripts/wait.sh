# shellcheck shell=bash
# Wait until none of the run's jobs is queued or running, bounded by TIMEOUT_SECONDS; on timeout cancel what is
# left. Prints {"timedOut":false,"waitedSeconds":…} or {"timedOut":true,"cancelled":[…],…}.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
: "${POLL_SECONDS:=0.5}"
if [[ "${SCHEDBENCH_SKIP:-}" == "done" ]]; then printf '{"skipped":true}\n'; exit 0; fi
export SLURM_CONF="$ROOT/etc/slurm.conf"

left=()
read_left() {
  local id name
  left=()
  while IFS='|' read -r id name; do
    [[ "$name" == "$JOB_PREFIX"* ]] && left+=("$id")
  done < <(squeue -h -o '%i|%j')
}
t0=$SECONDS
deadline=$((SECONDS + TIMEOUT_SECONDS))
while true; do
  if read_left && ((${#left[@]} == 0)); then
    printf '{"timedOut":false,"waitedSeconds":%d}\n' $((SECONDS - t0))
    exit 0
  fi
  ((SECONDS < deadline)) || break
  sleep "$POLL_SECONDS"
done
cancelled=("${left[@]}")
log "timeout after ${TIMEOUT_SECONDS}s: cancelling ${#cancelled[@]} job(s)"
scancel "${cancelled[@]}" || true
gone() { read_left && ((${#left[@]} == 0)); }
wait_until 30 "the cancelled jobs to leave the queue" gone || log "jobs still queued: ${left[*]}"
printf '{"timedOut":true,"waitedSeconds":%d,"cancelled":%s}\n' $((SECONDS - t0)) \
  "$(printf '%s\n' "${cancelled[@]}" | jq -R . | jq -cs .)"
