#!/bin/bash
# The one job script every workload job runs (copied to <root>/jobs/job.sh by configure.sh).
# Usage: job.sh OUT_DIR MODE [ARGS…]; MODE stress runs `stress-ng ARGS` keeping its metrics as YAML,
# noop does nothing (scheduler throughput), fail exits with ARGS[0] (fault tests).
# It records its own start and end on the node in OUT_DIR/<job id>.times — wall clock (date +%s%N, ns) and the
# monotonic /proc/uptime (10 ms) — so job times have sub-second resolution beside the scheduler's whole seconds.
set -euo pipefail
out_dir="$1" mode="$2"
shift 2
times="$out_dir/${SLURM_JOB_ID:-0}.times"
stamp() {
  local up
  read -r up _ </proc/uptime
  printf '%s %s %s\n' "$1" "$(date +%s%N)" "$up" >>"$times"
}
stamp start
status=0
case "$mode" in
  stress) stress-ng "$@" --metrics-brief --yaml "$out_dir/${SLURM_JOB_ID:-0}.yaml" || status=$? ;;
  noop) ;;
  fail) status="${1:-1}" ;;
  *) echo "job.sh: unknown mode $mode" >&2; status=2 ;;
esac
stamp end
exit "$status"
