# shellcheck shell=bash
# Start the Kubernetes scheduler sampler on the first node: a "before" snapshot of the kube-scheduler's and the
# apiserver's /metrics (only the families the normaliser reads), the nodes' allocatable CPUs, then every
# INTERVAL_MS one JSON line with each pod of the run (phase, node, CPU request: the last a watch of the run's pods
# reported) and, at most every STATS_INTERVAL_SECONDS, another metrics snapshot ("during") — sparse, as SLURM's
# sdiag is. Prints {"pid":…}.
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${RUN_LABEL:?label value of the run}"
: "${SAMPLER_DIR:?directory of the samples of this run on the first node}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${STATS_INTERVAL_SECONDS:?seconds between stats snapshots}"
: "${SCHEDULER_METRICS_URL:?URL of the kube-scheduler metrics}"
skip_if_done
# When this run's sampling began, by this node's clock: the submit stage's idle gap counts from here.
started_at="$EPOCHREALTIME"
kube_env
install -d -m 0755 "$SAMPLER_DIR" "$SAMPLER_DIR/stats"
if pid_alive "$SAMPLER_DIR/sampler.pid" bash; then
  printf '{"pid":%s,"running":true}\n' "$(<"$SAMPLER_DIR/sampler.pid")"
  exit 0
fi

# stats_snapshot PHASE : lib.sh's metrics snapshot, named by phase and time.
stats_snapshot() { metrics_snapshot >"$SAMPLER_DIR/stats/$1-$EPOCHREALTIME.json"; }
stats_snapshot before
kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.allocatable.cpu}{"\n"}{end}' \
  >"$SAMPLER_DIR/nodes" 2>/dev/null || : >"$SAMPLER_DIR/nodes"

sample_loop() {
  local fifo="$SAMPLER_DIR/tick" interval next_stats line partial='' stopping='' watcher name phase node cpu pods key
  local -A state=()
  echo "$BASHPID" >"$SAMPLER_DIR/sampler.pid"
  : >"$SAMPLER_DIR/pods.watch"
  watch_pods >>"$SAMPLER_DIR/pods.watch" &
  watcher=$!
  trap 'kill "$watcher" 2>/dev/null' EXIT
  trap 'exit 0' TERM
  exec 5<"$SAMPLER_DIR/pods.watch"
  rm -f "$fifo"; mkfifo "$fifo"; exec 3<>"$fifo"
  interval="$((INTERVAL_MS / 1000)).$(printf '%03d' $((INTERVAL_MS % 1000)))"
  next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
  while true; do
    # The watch's new lines since the last sample (a line still being written waits for the next one).
    while true; do
      if IFS= read -r -u 5 line; then
        IFS='|' read -r name phase node cpu <<<"$partial$line"
        partial=''
        [[ -z "$name" ]] || state[$name]="$phase $node $cpu"
      else
        partial+="$line"
        break
      fi
    done
    # Phases, node names and CPU quantities need no JSON escaping: written without a jq per sample.
    pods=''
    for key in "${!state[@]}"; do pods+="${state[$key]}\\n"; done
    printf '{"t":%s,"pods":"%s"}\n' "$EPOCHREALTIME" "$pods" >>"$SAMPLER_DIR/samples.jsonl"
    [[ -z "$stopping" ]] || exit 0
    if ((SECONDS >= next_stats)); then
      stats_snapshot during
      next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
    fi
    # `stop` on the tick FIFO (sampler-stop.sh) ends the wait at once; one last sample follows.
    if read -r -t "$interval" -u 3 line && [[ "$line" == stop ]]; then stopping=1; fi
  done
}

: >"$SAMPLER_DIR/samples.jsonl"
rm -f "$SAMPLER_DIR/sampler.pid"
export SAMPLER_DIR INTERVAL_MS STATS_INTERVAL_SECONDS SCHEDULER_METRICS_URL NAMESPACE RUN_LABEL KUBECONFIG
setsid bash -c "$(declare -f sample_loop watch_pods stats_snapshot metrics_snapshot); sample_loop" kubernetes-sampler </dev/null >>"$SAMPLER_DIR/sampler.log" 2>&1 &
wait_until 10 "the sampler to write its pid file" test -s "$SAMPLER_DIR/sampler.pid"
printf '{"pid":%s,"startedAt":%s}\n' "$(<"$SAMPLER_DIR/sampler.pid")" "$started_at"
