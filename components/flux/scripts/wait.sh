# shellcheck shell=bash
# Wait until none of the run's jobs is pending or running, bounded by TIMEOUT_SECONDS; on timeout cancel what
# is left. Prints {"timedOut":false,"waitedSeconds":…} or {"timedOut":true,"cancelled":[…],…}.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
: "${POLL_SECONDS:=0.5}"
skip_if_done
flux_env

left=()
read_left() {
  local id name
  left=()
  while read -r id name; do
    [[ "$name" == "$JOB_PREFIX"* ]] && left+=("$id")
  done < <(flux jobs -n -o '{id.f58} {name}')
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
flux cancel "${cancelled[@]}" >&2 || true
gone() { read_left && ((${#left[@]} == 0)); }
wait_until 30 "the cancelled jobs to end" gone || log "jobs still active: ${left[*]}"
printf '{"timedOut":true,"waitedSeconds":%d,"cancelled":%s}\n' $((SECONDS - t0)) \
  "$(printf '%s\n' "${cancelled[@]}" | jq -R . | jq -cs .)"
