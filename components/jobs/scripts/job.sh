#!/bin/bash
# The one job wrapper every scheduler's workload jobs run (SLURM and Flux copy it to <root>/jobs/job.sh on every
# node; Kubernetes runs it with bash inside the workload image). Usage: job.sh OUT_DIR ID_VAR MODE [ARGS…]:
# ID_VAR names the environment variable in which the scheduler gives the job its id. MODE stress runs
# `stress-ng ARGS` keeping its metrics as YAML, noop does nothing (scheduler throughput), fail exits with ARGS[0]
# (fault tests), command runs ARGS[0] (a program of the workload image) with ARGS[1…], sleep sleeps ARGS[0] seconds
# (emulated execution, docs/scale.md: the job lasts its expected time without load).
# It records its own start and end — wall clock (date +%s%N, ns) and the monotonic /proc/uptime (10 ms) — and the
# node it ran on, so job times have sub-second resolution beside the scheduler's own; components/jobs/times.ts
# reads these lines. One task of a job (the job itself when it has one task) writes OUT_DIR/<job id>.times and
# OUT_DIR/<job id>.yaml; in a job of several tasks — SCHEDBENCH_TASK_VAR names the variable in which the scheduler
# gives the task its rank — task R writes OUT_DIR/<job id>@R.times and, R > 0, OUT_DIR/<job id>@R.yaml.
# SCHEDBENCH_NODE_VAR, when set, names the variable holding the node's name as the scheduler calls it; otherwise
# the wrapper records `hostname`.
set -euo pipefail
out_dir="$1" id_var="$2" mode="$3"
shift 3
id="${!id_var:-0}"
task_var="${SCHEDBENCH_TASK_VAR:-}"
node_var="${SCHEDBENCH_NODE_VAR:-}"
key="$id"
metrics="$out_dir/$id.yaml"
if [[ -n "$task_var" ]]; then
  rank="${!task_var:-0}"
  key="$id@$rank"
  ((rank == 0)) || metrics="$out_dir/$key.yaml"
fi
if [[ -n "$node_var" ]]; then node="${!node_var:-}"; else node="$(hostname)"; fi
times="$out_dir/$key.times"
stamp() {
  local up
  read -r up _ </proc/uptime
  printf '%s %s %s\n' "$1" "$(date +%s%N)" "$up" >>"$times"
}
printf 'node %s\n' "${node:-unknown}" >>"$times"
stamp start
status=0
case "$mode" in
  stress) stress-ng "$@" --metrics-brief --yaml "$metrics" || status=$? ;;
  noop) ;;
  sleep) sleep "${1:?seconds}" || status=$? ;;
  fail) status="${1:-1}" ;;
  command) "$@" >/dev/null || status=$? ;;
  *) echo "job.sh: unknown mode $mode" >&2; status=2 ;;
esac
stamp end
exit "$status"
