# shellcheck shell=bash
# Wait until every Job of the run (RUN_LABEL) is Complete or Failed: the stage library's wait_for_jobs, bounded by
# TIMEOUT_SECONDS, with the Jobs' conditions as the question. On timeout the Jobs left get `activeDeadlineSeconds: 1`,
# so the Job controller ends them (and their pods) as DeadlineExceeded and the collect stage still finds their
# records. Every NODE_CHECK_SECONDS it also looks for nodes that are not Ready (a kubelet that stopped reporting,
# after the controller-manager's grace period): when every Job left has its pod on such a node, none can finish.
# Prints its WaitOutput: {"timedOut":false,"waitedSeconds":…}, {"timedOut":true,"cancelled":[…],…},
# {…,"lostNodes":[…],"lostNodeReasons":{<node>: <its Ready condition's message>}}, or {…,"schedulerLost":"kubectl get jobs: <error>"} when the apiserver has not answered for
# CONTROLLER_GRACE_SECONDS in a row.
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${RUN_LABEL:?label value of the run}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
skip_if_done
kube_env
err_file="$(mktemp)"
trap 'rm -f "$err_file"' EXIT

# read_left : the run's Jobs not yet finished (lib.sh's unfinished_jobs), into wait_for_jobs' `left`; fails, with
# kubectl's last line and the control-plane daemons no longer running, when the apiserver does not answer.
# shellcheck disable=SC2034 # left and left_error are wait_for_jobs' (components/stages.sh)
read_left() {
  local names down=() gone
  if ! names="$(unfinished_jobs 2>"$err_file")"; then
    left_error="kubectl get jobs: $(tail -n 1 "$err_file")"
    # The control-plane daemons of this node (start-control-plane.sh's pid files) that no longer run.
    mapfile -t down < <(daemons_gone "$ROOT/control" etcd kube-apiserver kube-controller-manager kube-scheduler)
    gone="${down[*]}"
    [[ -z "$gone" ]] || left_error+="; not running on $(hostname): ${gone// /, }"
    return 1
  fi
  [[ -z "$names" ]] || mapfile -t left <<<"$names"
}

# end_jobs NAME… : the Job controller ends these Jobs at once, as past their deadline.
end_jobs() {
  local name
  for name in "$@"; do
    kubectl patch job -n "$NAMESPACE" "$name" --type=merge -p '{"spec":{"activeDeadlineSeconds":1}}' ||
      log "could not end Job $name"
  done
}

# lost_node_reasons NODE… : {"<node>": "<the Ready condition's message>"} as the apiserver has it ({} if it does
# not answer): what was lost (a kubelet that stopped posting, a container runtime that is down).
lost_node_reasons() {
  kubectl get nodes --request-timeout=10s -o json 2>/dev/null |
    jq -c '[.items[] | select(.metadata.name | IN($ARGS.positional[]))
      | {key: .metadata.name, value: ([.status.conditions[]? | select(.type == "Ready") | .message][0] // "")}]
      | from_entries' --args "$@" ||
    echo '{}'
}

out="$(wait_for_jobs --left read_left --cancel end_jobs --lost-nodes all_stranded --scheduler 'the apiserver')"
mapfile -t lost_nodes < <(jq -r '.lostNodes[]?' <<<"$out")
if ((${#lost_nodes[@]} > 0)); then
  jq -c --argjson reasons "$(lost_node_reasons "${lost_nodes[@]}")" '. + {lostNodeReasons: $reasons}' <<<"$out"
else
  printf '%s\n' "$out"
fi
