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
t="$EPOCHREALTIME"
jq -cn --arg q "$(flux module stats sched-fluxion-qmanager 2>/dev/null || echo '{}')" \
  --arg r "$(flux module stats sched-fluxion-resource 2>/dev/null || echo '{}')" \
  --arg queue "$(flux queue status -v 2>&1 || true)" \
  '{qmanager:$q,resource:$r,queue:$queue}' >"$SAMPLER_DIR/stats/after-$t.json"
shopt -s nullglob
entries='[]'
for f in "$SAMPLER_DIR"/stats/*.json; do
  base="${f##*/}"; base="${base%.json}"
  entries="$(jq -c --arg phase "${base%%-*}" --arg t "${base#*-}" --slurpfile s "$f" \
    '. + [{phase:$phase,t:($t|tonumber)} + $s[0]]' <<<"$entries")"
done
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --argjson stats "$entries" --argjson ranks "$ranks" \
  '{samples:$samples,stats:$stats,ranks:$ranks}'
rm -rf "${SAMPLER_DIR:?}"
