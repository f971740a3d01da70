# shellcheck shell=bash
# Collect a run's jobs from accounting once every job (and its batch step) has a final record: sacct parsable,
# UTC, every field the RunResult needs, step lines included (TotalCPU and MaxRSS live there); plus stress-ng's
# YAML metrics and the job wrapper's times per job. Prints
# {"fields":…,"sacct":"<text>","metrics":{"<jobid>":"<yaml>"},"times":{"<jobid>":"<lines>"}}.
set -euo pipefail
: "${RUN_KEY:?run directory name}"
: "${JOB_IDS:?comma-separated job ids}"
: "${COLLECT_TIMEOUT:=60}"
skip_if_done
slurm_env
export TZ=UTC
fields=JobID,JobIDRaw,JobName,State,ExitCode,Submit,Eligible,Start,End,ElapsedRaw,Elapsed,ReqCPUS,ReqMem,AllocCPUS,NodeList,TotalCPU,MaxRSS
IFS=, read -r -a want <<<"$JOB_IDS"

text='' final_text=''
# A job line is final only once its record is whole: slurmdbd can hold a placeholder made from the job's end and
# step messages before its start record arrives (JobName "allocation", Eligible Unknown, ReqCPUS 0) — the name
# submitted (`$RUN_KEY.…`) is there only after that.
complete() {
  local id name state step
  declare -A final=()
  text="$(sacct -n -P -D --format="$fields" -j "$JOB_IDS" 2>/dev/null)" || return 1
  while IFS='|' read -r id _ name state _; do
    step="${id#*.}"
    case "$state" in PENDING | RUNNING | REQUEUED | RESIZING | SUSPENDED | "") continue ;; esac
    if [[ "$id" == *.* ]]; then
      [[ "$step" == batch ]] && final["${id%%.*}.batch"]=1
    elif [[ "$name" == "$RUN_KEY".* ]]; then
      final["$id"]=1
    fi
  done <<<"$text"
  for id in "${want[@]}"; do
    [[ -n "${final[$id]:-}" ]] || return 1
  done
  final_text="$text"
}
if [[ -n "$JOB_IDS" ]]; then
  wait_until "$COLLECT_TIMEOUT" "every job to have a final record in sacct" complete ||
    log "some jobs have no final accounting record yet; collecting what there is"
fi
# Through files, not arguments: a thousand jobs' accounting exceeds the kernel's limit on one argument. The
# accounting is the text the successful completeness check read (asked once more only when that check gave up).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [[ -n "$final_text" ]]; then
  printf '%s\n' "$final_text" >"$tmp/sacct"
else
  sacct -n -P -D --format="$fields" -j "$JOB_IDS" >"$tmp/sacct" 2>/dev/null || true
fi

# Every job's stress-ng YAML and its wrapper's times, keyed by job id (prelude's job_files_json), and the document.
job_files_json "$ROOT/jobs/out/$RUN_KEY" >"$tmp/files"
jq -cn --rawfile sacct "$tmp/sacct" --arg fields "$fields" --slurpfile files "$tmp/files" \
  '{fields: $fields, sacct: $sacct, metrics: $files[0].metrics, times: $files[0].times}'
rm -rf "${ROOT:?}/jobs/out/$RUN_KEY"
