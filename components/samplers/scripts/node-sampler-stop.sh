# shellcheck shell=bash
# Stop this node's sampler (by PID, bounded) and print what it collected as one JSON document:
# {"sources":{…},"samples":"<JSON lines>"}; the sampler's directory is removed. Safe to repeat.
set -euo pipefail
: "${SAMPLER_DIR:?directory of this run samples on this node}"
skip_if_done
stop_sampler "$SAMPLER_DIR"
if [[ -f "$SAMPLER_DIR/sources.json" ]]; then
  jq -cn --slurpfile sources "$SAMPLER_DIR/sources.json" --rawfile samples "$SAMPLER_DIR/samples.jsonl" \
    '{sources:$sources[0],samples:$samples}'
else
  printf '{"sources":null,"samples":""}\n'
fi
rm -rf "${SAMPLER_DIR:?}"
