# shellcheck shell=bash
# Wait until every Job of the run (RUN_LABEL) is Complete or Failed, bounded by TIMEOUT_SECONDS; on timeout
# the Jobs left get `activeDeadlineSeconds: 1`, so the Job controller ends them (and their pods) as
# DeadlineExceeded and the collect stage still finds their records. Prints {"timedOut":false,"waitedSeconds":…}
# or {"timedOut":true,"cancelled":[…],…}; when the apiserver has not answered for CONTROLLER_GRACE_SECONDS in a
# row, stops waiting and prints {…,"schedulerLost":"<error>"}. Every NODE_CHECK_SECONDS it also looks for nodes
# that are not Ready (a kubelet that stopped reporting, after the controller-manager's grace period): when every
# Job left has its pod on such a node, none can finish, and it stops waiting with {…,"lostNodes":[…]}.
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${RUN_LABEL:?label value of the run}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
: "${POLL_SECONDS:=0.5}"
: "${CONTROLLER_GRACE_SECONDS:=20}"
: "${NODE_CHECK_SECONDS:=5}"
skip_if_done
kube_env

left=()
unanswered_since=''
last_error=''
err_file="$(mktemp)"
trap 'rm -f "$err_file"' EXIT
# read_left : the run's Jobs not yet finished (lib.sh's unfinished_jobs); fails when the apiserver does not answer.
read_left() {
  local names
  left=()
  if ! names="$(unfinished_jobs 2>"$err_file")"; then
    last_error="$(tail -n 1 "$err_file")"
    [[ -n $unanswered_since ]] || unanswered_since=$SECONDS
    return 1
  fi
  unanswered_since=''
  [[ -z "$names" ]] || mapfile -t left <<<"$names"
  return 0
}
lost=()
t0=$SECONDS
next_node_check=$((SECONDS + NODE_CHECK_SECONDS))
deadline=$((SECONDS + TIMEOUT_SECONDS))
polls=(0.01 0.02 0.05 0.1)
while true; do
  if read_left && ((${#left[@]} == 0)); then
    printf '{"timedOut":false,"waitedSeconds":%d}\n' $((SECONDS - t0))
    exit 0
  fi
  if [[ -n $unanswered_since ]] && ((SECONDS - unanswered_since >= CONTROLLER_GRACE_SECONDS)); then
    log "the apiserver has not answered for ${CONTROLLER_GRACE_SECONDS}s: ${last_error}"
    jq -cn --argjson w $((SECONDS - t0)) --arg e "kubectl get jobs: ${last_error}" \
      '{timedOut: false, waitedSeconds: $w, schedulerLost: $e}'
    exit 0
  fi
  if ((${#left[@]} > 0 && SECONDS >= next_node_check)); then
    next_node_check=$((SECONDS + NODE_CHECK_SECONDS))
    if all_stranded "${left[@]}"; then
      log "node(s) ${lost[*]} not Ready: ${#left[@]} Job(s) left there can never finish"
      jq -cn --argjson w $((SECONDS - t0)) --argjson lost "$(printf '%s\n' "${lost[@]}" | jq -R . | jq -cs .)" \
        '{timedOut: false, waitedSeconds: $w, lostNodes: $lost}'
      exit 0
    fi
  fi
  ((SECONDS < deadline)) || break
  if ((${#polls[@]} > 0)); then sleep "${polls[0]}"; polls=("${polls[@]:1}"); else sleep "$POLL_SECONDS"; fi
done
cancelled=("${left[@]}")
log "timeout after ${TIMEOUT_SECONDS}s: ending ${#cancelled[@]} Job(s)"
for name in "${cancelled[@]}"; do
  kubectl patch job -n "$NAMESPACE" "$name" --type=merge -p '{"spec":{"activeDeadlineSeconds":1}}' >&2 || true
done
gone() { read_left && ((${#left[@]} == 0)); }
wait_until 30 "the ended Jobs to finish" gone || log "Jobs still active: ${left[*]}"
printf '{"timedOut":true,"waitedSeconds":%d,"cancelled":%s}\n' $((SECONDS - t0)) \
  "$(printf '%s\n' "${cancelled[@]}" | jq -R . | jq -cs .)"
