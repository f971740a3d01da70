# shellcheck shell=bash
# Stop the Kubernetes scheduler sampler (by PID, bounded), take the "after" metrics snapshot and print everything
# as one JSON document: {"samples":"<JSON lines>","nodes":"<name allocatable-cpu lines>","stats":[{"phase":…,
# "t":…,"scheduler":"<metrics text>","apiserver":"<metrics text>"}]}. Removes its directory.
set -euo pipefail
: "${SAMPLER_DIR:?directory of the samples of this run on the first node}"
: "${SCHEDULER_METRICS_URL:?URL of the kube-scheduler metrics}"
skip_if_done
kube_env
stop_sampler "$SAMPLER_DIR"
if [[ ! -d "$SAMPLER_DIR" ]]; then printf '{"samples":"","nodes":"","stats":[]}\n'; exit 0; fi
metrics_snapshot >"$SAMPLER_DIR/stats/after-$EPOCHREALTIME.json"
stats_snapshots_json "$SAMPLER_DIR/stats" >"$SAMPLER_DIR/stats.json"
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --rawfile nodes "$SAMPLER_DIR/nodes" \
  --slurpfile stats "$SAMPLER_DIR/stats.json" '{samples: $samples, nodes: $nodes, stats: $stats[0]}'
rm -rf "${SAMPLER_DIR:?}"
