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
# One entry per snapshot, through a file: a long run's snapshots exceed the kernel's limit on one argument.
shopt -s nullglob
for f in "$SAMPLER_DIR"/stats/*.json; do
  base="${f##*/}"; base="${base%.json}"
  jq -c --arg phase "${base%%-*}" --arg t "${base#*-}" '{phase: $phase, t: ($t | tonumber)} + .' "$f"
done >"$SAMPLER_DIR/stats.jsonl"
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --rawfile nodes "$SAMPLER_DIR/nodes" \
  --slurpfile stats "$SAMPLER_DIR/stats.jsonl" '{samples: $samples, nodes: $nodes, stats: $stats}'
rm -rf "${SAMPLER_DIR:?}"
