#!/bin/bash
# The one job script every Flux workload job runs (copied to <root>/jobs/job.sh by configure.sh).
# Usage: job.sh OUT_DIR MODE [ARGS…]; MODE stress runs `stress-ng ARGS` keeping its metrics as YAML,
# noop does nothing (scheduler throughput), fail exits with ARGS[0] (fault tests).
# It records its own start and end on the node in OUT_DIR/<job id>.times — wall clock (date +%s%N, ns) and the
# monotonic /proc/uptime (10 ms) — the same lines every scheduler's wrapper writes (workloads/job-times.ts).
set -euo pipefail
out_dir="$1" mode="$2"
shift 2
id="${FLUX_JOB_ID:-0}"
case "$id" in ƒ*) id="f${id#ƒ}" ;; esac # the ASCII prefix, whatever the shell's locale printed
times="$out_dir/$id.times"
stamp() {
  local up
  read -r up _ </proc/uptime
  printf '%s %s %s\n' "$1" "$(date +%s%N)" "$up" >>"$times"
}
stamp start
status=0
case "$mode" in
  stress) stress-ng "$@" --metrics-brief --yaml "$out_dir/$id.yaml" || status=$? ;;
  noop) ;;
  fail) status="${1:-1}" ;;
  *) echo "job.sh: unknown mode $mode" >&2; status=2 ;;
esac
stamp end
exit "$status"
