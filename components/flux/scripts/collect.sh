# shellcheck shell=bash
# Collect a run's jobs once every one is inactive: `flux jobs --json` of the submitted ids (states, result,
# returncode, waitstatus, t_submit … t_inactive with sub-second resolution, nodelist), the rank → node table,
# the plan (the memory each spec requested), stress-ng's YAML and the wrapper's times per job. Prints
# {"jobs":"<flux jobs --json text>","plan":…,"metrics":{"<id>":"<yaml>"},"times":{"<id>":"<lines>"}}.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${RUN_KEY:?run directory name}"
: "${JOB_IDS:?comma-separated job ids}"
: "${PLAN:?job plan}"
: "${COLLECT_TIMEOUT:=60}"
skip_if_done
flux_env
IFS=, read -r -a want <<<"$JOB_IDS"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Through files, not arguments: a thousand jobs' records exceed the kernel's limit on one argument.
all_inactive() {
  local state
  while read -r state; do [[ "$state" == INACTIVE ]] || return 1; done \
    < <(flux jobs -n -o '{state}' "${want[@]}" 2>/dev/null || echo unknown)
}
if ((${#want[@]} > 0)); then
  wait_until "$COLLECT_TIMEOUT" "every job to be inactive" all_inactive ||
    log "some jobs are still active; collecting what there is"
  flux jobs --json "${want[@]}" >"$tmp/jobs" 2>/dev/null || printf '{"jobs":[]}' >"$tmp/jobs"
else
  printf '{"jobs":[]}' >"$tmp/jobs"
fi

job_files_json "$ROOT/jobs/out/$RUN_KEY" >"$tmp/files"
jq -cn --rawfile jobs "$tmp/jobs" --arg plan "$PLAN" --slurpfile files "$tmp/files" \
  '{jobs: $jobs, plan: $plan, metrics: $files[0].metrics, times: $files[0].times}'
rm -rf "${ROOT:?}/jobs/out/$RUN_KEY"
