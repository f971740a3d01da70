# shellcheck shell=bash
# Stop the Flux scheduler sampler (by PID, bounded), take the "after" stats snapshot and print everything as one
# JSON document: {"samples":"<JSON lines>","stats":[{"phase":…,"t":…,"qmanager":…,"resource":…,"queue":…}],
# "ranks":[<node names in rank order>]}.
# Removes its directory.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${SAMPLER_DIR:?directory of this run samples on rank 0}"
: "${RANKS:?node names in rank order}"
skip_if_done
flux_env
stop_sampler "$SAMPLER_DIR"
read -r -a rank_names <<<"$RANKS"
ranks="$(printf '%s\n' "${rank_names[@]}" | jq -R . | jq -cs .)"
if [[ ! -d "$SAMPLER_DIR" ]]; then printf '{"samples":"","stats":[],"ranks":%s}\n' "$ranks"; exit 0; fi
fluxion_snapshot >"$SAMPLER_DIR/stats/after-$EPOCHREALTIME.json"
stats_snapshots_json "$SAMPLER_DIR/stats" >"$SAMPLER_DIR/stats.json"
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --slurpfile stats "$SAMPLER_DIR/stats.json" \
  --argjson ranks "$ranks" '{samples: $samples, stats: $stats[0], ranks: $ranks}'
rm -rf "${SAMPLER_DIR:?}"
