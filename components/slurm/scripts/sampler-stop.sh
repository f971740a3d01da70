# shellcheck shell=bash
# Stop the SLURM scheduler sampler (by PID, bounded), take the "after" sdiag and print everything as one JSON
# document: {"samples":"<JSON lines>","sdiag":[{"phase":…,"t":…,"text":…}]}. Removes its directory.
set -euo pipefail
: "${SAMPLER_DIR:?directory of this run samples on the controller}"
skip_if_done
slurm_env
stop_sampler "$SAMPLER_DIR"
if [[ ! -d "$SAMPLER_DIR" ]]; then printf '{"samples":"","sdiag":[]}\n'; exit 0; fi
sdiag >"$SAMPLER_DIR/sdiag/after-$EPOCHREALTIME.txt" 2>&1 || true
shopt -s nullglob
entries='[]'
for f in "$SAMPLER_DIR"/sdiag/*.txt; do
  base="${f##*/}"; base="${base%.txt}"
  entries="$(jq -c --arg phase "${base%%-*}" --arg t "${base#*-}" --rawfile text "$f" \
    '. + [{phase:$phase,t:($t|tonumber),text:$text}]' <<<"$entries")"
done
jq -cn --rawfile samples "$SAMPLER_DIR/samples.jsonl" --argjson sdiag "$entries" '{samples:$samples,sdiag:$sdiag}'
rm -rf "${SAMPLER_DIR:?}"
