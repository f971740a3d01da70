#!/bin/bash
# The one job wrapper every scheduler's workload jobs run (SLURM and Flux copy it to <root>/jobs/job.sh on every
# node; Kubernetes runs it with bash inside the workload image). Usage: job.sh OUT_DIR ID_VAR MODE [ARGS…]:
# ID_VAR names the environment variable in which the scheduler gives the job its id. MODE stress runs
# `stress-ng ARGS` keeping its metrics as YAML in OUT_DIR/<job id>.yaml, noop does nothing (scheduler throughput),
# fail exits with ARGS[0] (fault tests).
# It records its own start and end in OUT_DIR/<job id>.times — wall clock (date +%s%N, ns) and the monotonic
# /proc/uptime (10 ms) — so job times have sub-second resolution beside the scheduler's own; components/jobs/times.ts
# reads these lines.
set -euo pipefail
out_dir="$1" id_var="$2" mode="$3"
shift 3
id="${!id_var:-0}"
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
