# shellcheck shell=bash
# Stop the SLURM scheduler sampler (the stage library's sampler_stop), take the "after" sdiag and print everything
# as one JSON document: {"samples":"<JSON lines>","sdiag":[{"phase":…,"t":…,"text":…}]}. Removes its directory.
set -euo pipefail
: "${SAMPLER_DIR:?directory of this run samples on the controller}"
skip_if_done
slurm_env
if ! sampler_stop --snapshot sdiag_snapshot --ext txt; then
  printf '{"samples":"","sdiag":[]}\n'
  exit 0
fi
# Every sdiag snapshot (phase and time from its file name, its text whole) and the samples, in one jq pass.
shopt -s nullglob
snapshots=("$SAMPLER_DIR"/stats/*.txt)
jq -cnR --rawfile samples "$SAMPLER_DIR/samples.jsonl" '
  (reduce inputs as $l ({}; .[input_filename] += $l + "\n")) as $text
  | {samples: $samples,
     sdiag: [$ARGS.positional[] | (sub(".*/"; "") | sub("\\.txt$"; "")) as $base
       | {phase: ($base | sub("-.*"; "")), t: ($base | sub("^[^-]*-"; "") | tonumber), text: ($text[.] // "")}]}' \
  "${snapshots[@]}" /dev/null --args "${snapshots[@]}"
rm -rf "${SAMPLER_DIR:?}"
