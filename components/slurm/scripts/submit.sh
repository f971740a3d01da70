# shellcheck shell=bash
# Submit a run's jobs with sbatch --parsable, one job per submission at its arrival time: the stage library's
# submit_jobs (idle gap, arrivals of the neutral plan PLAN, the SubmitOutput) calls submit_batch for each.
set -euo pipefail
: "${RUN_KEY:?run directory name}"
: "${PARTITION:?partition}"
skip_if_done
slurm_env
out_dir="$ROOT/jobs/out/$RUN_KEY"
install -d -m 0755 "$out_dir"

# submit_batch NAME_PREFIX FIRST COPIES specIndex count offset interval cpus memoryMiB minutes kind args… (one copy)
submit_batch() {
  local name="$1$2" cpus="$8" mem="$9" minutes="${10}" kind="${11}" id
  shift 11
  id="$(sbatch --parsable -p "$PARTITION" -N 1 -n 1 -c "$cpus" --mem="${mem}M" -t "$minutes" --no-requeue \
    --job-name="$name" -o "$out_dir/%j.out" -e "$out_dir/%j.out" "$ROOT/jobs/job.sh" "$out_dir" SLURM_JOB_ID "$kind" "$@")" || return 1
  printf '%s\n' "${id%%;*}"
}

submit_jobs each submit_batch
