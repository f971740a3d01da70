#!/bin/bash
# The job wrapper every Kubernetes workload pod runs (bash -c inside the workload image; components/kubernetes/
# workload.ts puts it in the Job's command). Usage: job.sh OUT_DIR MODE [ARGS…]; JOB_ID (the Job's name) comes
# from the pod's label by the downward API. MODE stress runs `stress-ng ARGS` keeping its metrics as YAML, noop
# does nothing (scheduler throughput), fail exits with ARGS[0] (fault tests).
# It records its own start and end in OUT_DIR/<job id>.times (the node's job files directory, a hostPath) — wall
# clock (date +%s%N, ns) and the monotonic /proc/uptime (10 ms) — the same lines every scheduler's wrapper writes
# (workloads/job-times.ts).
set -euo pipefail
out_dir="$1" mode="$2"
shift 2
: "${JOB_ID:?the Job name (downward API)}"
times="$out_dir/$JOB_ID.times"
stamp() {
  local up
  read -r up _ </proc/uptime
  printf '%s %s %s\n' "$1" "$(date +%s%N)" "$up" >>"$times"
}
stamp start
status=0
case "$mode" in
  stress) stress-ng "$@" --metrics-brief --yaml "$out_dir/$JOB_ID.yaml" || status=$? ;;
  noop) ;;
  fail) status="${1:-1}" ;;
  *) echo "job.sh: unknown mode $mode" >&2; status=2 ;;
esac
stamp end
exit "$status"
