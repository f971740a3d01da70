# shellcheck shell=bash
# Wait until none of the run's jobs is pending or running, bounded by TIMEOUT_SECONDS; on timeout cancel what
# is left. Prints {"timedOut":false,"waitedSeconds":…} or {"timedOut":true,"cancelled":[…],…}; when the instance
# has not answered for CONTROLLER_GRACE_SECONDS in a row, stops waiting and prints {…,"schedulerLost":"<error>"}.
# submit.sh makes every job waitable, so the wait blocks in one `flux job wait --all` (the job manager answers as
# jobs end) and `flux jobs` only confirms the end. Polling `flux jobs` every half second instead cost ~0.3 CPU-s a
# call (Python start-up, every active job listed) on rank 0's node, beside the jobs it waited for: 1,000 trivial
# jobs ran at 0.57× the rate of a raw `flux submit --cc` (bench/flux-throughput.ts).
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
: "${POLL_SECONDS:=0.5}"
: "${CONTROLLER_GRACE_SECONDS:=20}"
skip_if_done
flux_env

left=()
unanswered_since=''
last_error=''
# read_left : the run's jobs still pending or running. Fails when `flux jobs` does (the broker not answering):
# an unanswered question is not an empty queue.
read_left() {
  local id name listing
  left=()
  if ! listing="$(flux jobs -n -o '{id.f58} {name}' 2>&1)"; then
    last_error="$(tail -n 1 <<<"$listing")"
    [[ -n $unanswered_since ]] || unanswered_since=$SECONDS
    return 1
  fi
  unanswered_since=''
  while read -r id name; do
    if [[ -n "$id" && "$name" == "$JOB_PREFIX"* ]]; then left+=("$id"); fi
  done <<<"$listing"
  return 0
}
t0=$SECONDS
deadline=$((SECONDS + TIMEOUT_SECONDS))
# Reaps this run's jobs (and any earlier run's left unreaped); its status says whether one failed, which the
# collect stage reports, so it is not ours to judge. On timeout the loop below finds the deadline passed.
timeout "$TIMEOUT_SECONDS" flux job wait --all >/dev/null 2>&1 || true
while true; do
  if read_left && ((${#left[@]} == 0)); then
    printf '{"timedOut":false,"waitedSeconds":%d}\n' $((SECONDS - t0))
    exit 0
  fi
  if [[ -n $unanswered_since ]] && ((SECONDS - unanswered_since >= CONTROLLER_GRACE_SECONDS)); then
    log "the Flux instance has not answered for ${CONTROLLER_GRACE_SECONDS}s: ${last_error}"
    jq -cn --argjson w $((SECONDS - t0)) --arg e "flux jobs: ${last_error}" \
      '{timedOut: false, waitedSeconds: $w, schedulerLost: $e}'
    exit 0
  fi
  ((SECONDS < deadline)) || break
  sleep "$POLL_SECONDS"
done
cancelled=("${left[@]}")
log "timeout after ${TIMEOUT_SECONDS}s: cancelling ${#cancelled[@]} job(s)"
flux cancel "${cancelled[@]}" >&2 || true
gone() { read_left && ((${#left[@]} == 0)); }
wait_until 30 "the cancelled jobs to end" gone || log "jobs still active: ${left[*]}"
printf '{"timedOut":true,"waitedSeconds":%d,"cancelled":%s}\n' $((SECONDS - t0)) \
  "$(printf '%s\n' "${cancelled[@]}" | jq -R . | jq -cs .)"
