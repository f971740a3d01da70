# shellcheck shell=bash
# Stop the Kubernetes scheduler sampler (the stage library's sampler_stop), take the "after" metrics snapshot and
# print everything as one JSON document: {"samples":"<JSON lines>","nodes":"<name allocatable-cpu lines>",
# "stats":[{"phase":…,"t":…,"scheduler":"<metrics text>","apiserver":"<metrics text>","kubelets":"<metrics text>"}]}.
# Removes its directory.
set -euo pipefail
: "${SAMPLER_DIR:?directory of the samples of this run on the first node}"
: "${SCHEDULER_METRICS_URL:?URL of the kube-scheduler metrics}"
skip_if_done
kube_env
if ! sampler_stop --snapshot metrics_snapshot; then
  printf '{"samples":"","nodes":"","stats":[]}\n'
  exit 0
fi
# A start that failed before it recorded the nodes leaves none: the document then says so, rather than fail.
[[ -e "$SAMPLER_DIR/nodes" ]] || : >"$SAMPLER_DIR/nodes"
stats_snapshots_json "$SAMPLER_DIR/stats" >"$SAMPLER_DIR/stats.json"
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --rawfile nodes "$SAMPLER_DIR/nodes" \
  --slurpfile stats "$SAMPLER_DIR/stats.json" '{samples: $samples, nodes: $nodes, stats: $stats[0]}'
rm -rf "${SAMPLER_DIR:?}"
