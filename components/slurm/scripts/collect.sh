# shellcheck shell=bash
# Collect a run's jobs from accounting once every job (and its batch step) has a final record: sacct parsable,
# UTC, every field the RunResult needs, step lines included (TotalCPU and MaxRSS live there); plus stress-ng's
# YAML metrics per job. Prints {"sacct":"<text>","metrics":{"<jobid>":"<yaml>"}}.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${RUN_KEY:?run directory name}"
: "${JOB_IDS:?comma-separated job ids}"
: "${COLLECT_TIMEOUT:=60}"
if [[ "${SCHEDBENCH_SKIP:-}" == "done" ]]; then printf '{"skipped":true}\n'; exit 0; fi
export SLURM_CONF="$ROOT/etc/slurm.conf" TZ=UTC
fields=JobID,JobIDRaw,JobName,State,ExitCode,Submit,Eligible,Start,End,ElapsedRaw,Elapsed,ReqCPUS,ReqMem,AllocCPUS,NodeList,TotalCPU,MaxRSS
IFS=, read -r -a want <<<"$JOB_IDS"

text=''
complete() {
  local id state step
  declare -A final=()
  text="$(sacct -n -P -D --format="$fields" -j "$JOB_IDS" 2>/dev/null)" || return 1
  while IFS='|' read -r id _ _ state _; do
    step="${id#*.}"
    case "$state" in PENDING | RUNNING | REQUEUED | RESIZING | SUSPENDED | "") continue ;; esac
    if [[ "$id" == *.* ]]; then [[ "$step" == batch ]] && final["${id%%.*}.batch"]=1; else final["$id"]=1; fi
  done <<<"$text"
  for id in "${want[@]}"; do
    [[ -n "${final[$id]:-}" ]] || return 1
  done
}
if [[ -n "$JOB_IDS" ]]; then
  wait_until "$COLLECT_TIMEOUT" "every job to have a final record in sacct" complete ||
    log "some jobs have no final accounting record yet; collecting what there is"
fi
# Through files, not arguments: a thousand jobs' accounting exceeds the kernel's limit on one argument.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sacct -n -P -D --format="$fields" -j "$JOB_IDS" >"$tmp/sacct" 2>/dev/null || true

# Every job's stress-ng YAML, keyed by job id, in one jq pass.
shopt -s nullglob
yamls=("$ROOT/jobs/out/$RUN_KEY"/*.yaml)
if ((${#yamls[@]} > 0)); then
  jq -nR 'reduce inputs as $l ({}; .[input_filename | sub(".*/"; "") | sub("\\.yaml$"; "")] += $l + "\n")' \
    "${yamls[@]}" >"$tmp/metrics"
else
  printf '{}' >"$tmp/metrics"
fi
jq -cn --rawfile sacct "$tmp/sacct" --slurpfile metrics "$tmp/metrics" --arg fields "$fields" \
  '{fields:$fields,sacct:$sacct,metrics:$metrics[0]}'
rm -rf "${ROOT:?}/jobs/out/$RUN_KEY"
