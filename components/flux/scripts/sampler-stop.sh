# shellcheck shell=bash
# Stop the Flux scheduler sampler (the stage library's sampler_stop), take the "after" stats snapshot and print
# everything as one JSON document: {"samples":"<JSON lines>","stats":[{"phase":…,"t":…,"qmanager":…,"resource":…,
# "queue":…}],"ranks":[<node names in rank order>]}. Removes its directory.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${SAMPLER_DIR:?directory of this run samples on rank 0}"
: "${RANKS:?node names in rank order}"
skip_if_done
flux_env
read -r -a rank_names <<<"$RANKS"
ranks="$(jq -cn '$ARGS.positional' --args "${rank_names[@]}")"
if ! sampler_stop --snapshot fluxion_snapshot; then
  printf '{"samples":"","stats":[],"ranks":%s}\n' "$ranks"
  exit 0
fi
stats_snapshots_json "$SAMPLER_DIR/stats" >"$SAMPLER_DIR/stats.json"
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --slurpfile stats "$SAMPLER_DIR/stats.json" \
  --argjson ranks "$ranks" '{samples: $samples, stats: $stats[0], ranks: $ranks}'
rm -rf "${SAMPLER_DIR:?}"
