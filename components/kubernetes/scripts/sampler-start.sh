# shellcheck shell=bash
# Start the Kubernetes scheduler sampler on the first node (the stage library's sampler_start): the nodes'
# allocatable CPUs and a "before" snapshot of the kube-scheduler's, the apiserver's and the kubelets' /metrics (lib.sh's
# metrics_snapshot: only the families the normaliser reads), then every INTERVAL_MS one JSON line with each pod of
# the run (phase, node, CPU request: the last that one watch of the run's pods reported) and, at most every
# STATS_INTERVAL_SECONDS, another snapshot ("during") — sparse, as SLURM's sdiag is. Prints {"pid":…,"startedAt":…}.
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${RUN_LABEL:?label value of the run}"
: "${SAMPLER_DIR:?directory of the samples of this run on the first node}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${STATS_INTERVAL_SECONDS:?seconds between stats snapshots}"
: "${SCHEDULER_METRICS_URL:?URL of the kube-scheduler metrics}"
skip_if_done
# When this run's sampling began, by this node's clock (before kube_env, which may mint a token): the submit
# stage's idle gap counts from here.
started_at="$EPOCHREALTIME"
kube_env

# record_nodes : each node's allocatable CPUs, `name cpu` lines, which the normaliser reads with the samples: of
# the nodes NODE_SELECTOR selects (an emulated cluster's emulated nodes), else of all.
record_nodes() {
  local -a select=()
  [[ -z "${NODE_SELECTOR:-}" ]] || select=(-l "$NODE_SELECTOR")
  kubectl get nodes "${select[@]}" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.allocatable.cpu}{"\n"}{end}' \
    >"$SAMPLER_DIR/nodes" 2>/dev/null || : >"$SAMPLER_DIR/nodes"
}

# watch_run_pods : in the sampler loop's process, before its first sample: lib.sh's watch_pods in the background,
# appending to pods.watch, which pods_sample reads on; the loop's exit ends it.
watch_run_pods() {
  : >"$SAMPLER_DIR/pods.watch"
  watch_pods >>"$SAMPLER_DIR/pods.watch" &
  pod_watcher=$!
  trap 'kill "$pod_watcher" 2>/dev/null' EXIT
  exec {pods_fd}<"$SAMPLER_DIR/pods.watch"
  partial_line=''
  declare -gA pod_state=()
}

# pods_sample : one sample line: every pod of the run as the watch's lines since the last sample left it (a line
# still being written waits for the next sample). Phases, node names and CPU quantities need no JSON escaping: the
# line is written without a jq per sample.
pods_sample() {
  local line name phase node cpu key pods=''
  while true; do
    if IFS= read -r -u "$pods_fd" line; then
      IFS='|' read -r name phase node cpu <<<"$partial_line$line"
      partial_line=''
      [[ -z "$name" ]] || pod_state[$name]="$phase $node $cpu"
    else
      partial_line+="$line"
      break
    fi
  done
  for key in "${!pod_state[@]}"; do pods+="${pod_state[$key]}\\n"; done
  printf '{"t":%s,"pods":"%s"}\n' "$EPOCHREALTIME" "$pods"
}

sampler_start --name kubernetes-sampler --prepare record_nodes --setup watch_run_pods --sample pods_sample \
  --snapshot metrics_snapshot --started-at "$started_at"
