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
# Every sdiag snapshot (phase and time from its file name, its text whole) and the samples, in one jq pass.
shopt -s nullglob
snapshots=("$SAMPLER_DIR"/sdiag/*.txt)
jq -cnR --rawfile samples "$SAMPLER_DIR/samples.jsonl" '
  (reduce inputs as $l ({}; .[input_filename] += $l + "\n")) as $text
  | {samples: $samples,
     sdiag: [$ARGS.positional[] | (sub(".*/"; "") | sub("\\.txt$"; "")) as $base
       | {phase: ($base | sub("-.*"; "")), t: ($base | sub("^[^-]*-"; "") | tonumber), text: ($text[.] // "")}]}' \
  "${snapshots[@]}" /dev/null --args "${snapshots[@]}"
rm -rf "${SAMPLER_DIR:?}"
