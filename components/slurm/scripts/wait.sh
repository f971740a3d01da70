# shellcheck shell=bash
# Wait until none of the run's jobs is queued or running, bounded by TIMEOUT_SECONDS; on timeout cancel what is
# left. Prints {"timedOut":false,"waitedSeconds":…} or {"timedOut":true,"cancelled":[…],…}; when the controller
# has not answered for CONTROLLER_GRACE_SECONDS in a row, stops waiting and prints {…,"schedulerLost":"<error>"}.
set -euo pipefail
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
: "${POLL_SECONDS:=0.5}"
: "${CONTROLLER_GRACE_SECONDS:=20}"
skip_if_done
slurm_env

left=()
unanswered_since=''
last_error=''
# read_left : the run's jobs still queued or running. Fails when squeue does (the controller not answering):
# an unanswered question is not an empty queue.
read_left() {
  local id name queue
  left=()
  if ! queue="$(squeue -h -o '%i|%j' 2>&1)"; then
    last_error="$(tail -n 1 <<<"$queue")"
    [[ -n $unanswered_since ]] || unanswered_since=$SECONDS
    return 1
  fi
  unanswered_since=
  while IFS='|' read -r id name; do
    if [[ -n "$id" && "$name" == "$JOB_PREFIX"* ]]; then left+=("$id"); fi
  done <<<"$queue"
  return 0
}
t0=$SECONDS
deadline=$((SECONDS + TIMEOUT_SECONDS))
while true; do
  if read_left && ((${#left[@]} == 0)); then
    printf '{"timedOut":false,"waitedSeconds":%d}\n' $((SECONDS - t0))
    exit 0
  fi
  if [[ -n $unanswered_since ]] && ((SECONDS - unanswered_since >= CONTROLLER_GRACE_SECONDS)); then
    log "slurmctld has not answered for ${CONTROLLER_GRACE_SECONDS}s: ${last_error}"
    jq -cn --argjson w $((SECONDS - t0)) --arg e "squeue: ${last_error}" \
      '{timedOut: false, waitedSeconds: $w, schedulerLost: $e}'
    exit 0
  fi
  ((SECONDS < deadline)) || break
  sleep "$POLL_SECONDS"
done
cancelled=("${left[@]}")
log "timeout after ${TIMEOUT_SECONDS}s: cancelling ${#cancelled[@]} job(s)"
cancelled_json='[]'
if ((${#cancelled[@]} > 0)); then
  scancel "${cancelled[@]}" || true
  gone() { read_left && ((${#left[@]} == 0)); }
  wait_until 30 "the cancelled jobs to leave the queue" gone || log "jobs still queued: ${left[*]}"
  cancelled_json="$(printf '%s\n' "${cancelled[@]}" | jq -R . | jq -cs .)"
fi
printf '{"timedOut":true,"waitedSeconds":%d,"cancelled":%s}\n' $((SECONDS - t0)) "$cancelled_json"
