# shellcheck shell=bash
# Collect a run's Jobs once every one has finished: the Jobs and their pods (creation times, conditions, node,
# requests and pods per Job, an Indexed Job's pod's index, the container's terminated state with startedAt/finishedAt
# and exit code), projected on this node to what the normaliser reads (components/kubernetes/parse.ts), stress-ng's
# YAML and the wrapper's times per Job (prelude's job_files_json over OUT_DIR). Then deletes the run's Jobs (their
# pods with them, waited for), so the next run starts on an empty cluster, and OUT_DIR. Prints
# {"objects":{"jobs":[…],"pods":[…]},"metrics":…,"times":…}.
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${RUN_LABEL:?label value of the run}"
: "${OUT_DIR:?job files directory of the run on this node}"
: "${COLLECT_TIMEOUT:=60}"
skip_if_done
kube_env
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# all_finished : every Job of the run finished, or stranded on a node that is not Ready (it never will), or the
# apiserver has not answered for 10 s (the wait stage gave it its grace already: collect what there is).
unanswered_since=''
apiserver_lost=0
all_finished() {
  local names jobs
  if ! names="$(unfinished_jobs 2>/dev/null)"; then
    : "${unanswered_since:=$SECONDS}"
    ((SECONDS - unanswered_since >= 10)) || return 1
    log "the apiserver has not answered for $((SECONDS - unanswered_since)) s; collecting what there is"
    apiserver_lost=1
    return 0
  fi
  unanswered_since=''
  [[ -n "$names" ]] || return 0
  mapfile -t jobs <<<"$names"
  all_stranded "${jobs[@]}"
}
lost=()
wait_until "$COLLECT_TIMEOUT" "every Job to finish" all_finished || log "some Jobs are still active; collecting what there is"

# Through files, not arguments: a thousand Jobs' records exceed the kernel's limit on one argument. Every kubectl here
# is bounded (an apiserver whose etcd is gone holds a request past its own timeout), shorter once it did not answer.
get_bound=30 delete_bound=$((COLLECT_TIMEOUT + 15))
((apiserver_lost == 0)) || get_bound=10 delete_bound=15
if kubectl get jobs,pods --request-timeout="${get_bound}s" -n "$NAMESPACE" -l "schedbench.io/run=$RUN_LABEL" -o json >"$tmp/raw" 2>"$tmp/err"; then
  jq -c '[.items[]] as $all | {
    jobs: [$all[] | select(.kind == "Job") | {
      name: .metadata.name,
      spec: (.metadata.labels["schedbench.io/spec"] // null),
      created: .metadata.creationTimestamp,
      cpu: (.spec.template.spec.containers[0].resources.requests.cpu // null),
      memory: (.spec.template.spec.containers[0].resources.requests.memory // null),
      completions: (.spec.completions // 1),
      conditions: [.status.conditions[]? | select(.status == "True")
        | {type, reason: (.reason // null), message: (.message // null), time: (.lastTransitionTime // null)}]
    }],
    pods: [$all[] | select(.kind == "Pod") | {
      name: .metadata.name,
      job: (.metadata.labels["batch.kubernetes.io/job-name"] // null),
      index: (.metadata.annotations["batch.kubernetes.io/job-completion-index"] // null),
      created: .metadata.creationTimestamp,
      node: (.spec.nodeName // null),
      phase: (.status.phase // null),
      reason: (.status.reason // null),
      message: (.status.message // null),
      scheduled: ([.status.conditions[]? | select(.type == "PodScheduled" and .status == "True")
        | .lastTransitionTime][0] // null),
      state: (.status.containerStatuses[0].state // null)
    }]
  }' "$tmp/raw" >"$tmp/objects"
else
  log "kubectl get jobs,pods: $(tail -n 1 "$tmp/err")"
  printf '{"jobs":[],"pods":[]}' >"$tmp/objects"
fi
job_files_json "$OUT_DIR" >"$tmp/files"
jq -cn --slurpfile objects "$tmp/objects" --slurpfile files "$tmp/files" \
  '{objects: $objects[0], metrics: $files[0].metrics, times: $files[0].times}'

# A pod on a node that is not Ready stays Terminating until its kubelet confirms: remove it from the API at once.
if ((${#lost[@]} > 0)); then
  stranded_pods "${lost[@]}" 2>/dev/null | while read -r pod _; do
    timeout 15 kubectl delete pod -n "$NAMESPACE" "$pod" --force --grace-period=0 >/dev/null 2>&1 || log "could not remove pod $pod"
  done
fi
# (A request timeout would cut the deletion's watch: the whole command is bounded instead.)
timeout "$delete_bound" kubectl delete jobs -n "$NAMESPACE" -l "schedbench.io/run=$RUN_LABEL" \
  --cascade=foreground --wait=true --timeout="${COLLECT_TIMEOUT}s" >/dev/null 2>"$tmp/err" || log "deleting the run's Jobs: $(tail -n 1 "$tmp/err")"
rm -rf "${OUT_DIR:?}"
