#!/bin/bash
# The one job script every workload job runs (copied to <root>/jobs/job.sh by configure.sh).
# Usage: job.sh OUT_DIR MODE [ARGS…]; MODE stress runs `stress-ng ARGS` keeping its metrics as YAML,
# noop does nothing (scheduler throughput), fail exits with ARGS[0] (fault tests).
set -euo pipefail
out_dir="$1" mode="$2"
shift 2
case "$mode" in
  stress) exec stress-ng "$@" --metrics-brief --yaml "$out_dir/${SLURM_JOB_ID:-0}.yaml" ;;
  noop) exit 0 ;;
  fail) exit "${1:-1}" ;;
  *) echo "job.sh: unknown mode $mode" >&2; exit 2 ;;
esac
