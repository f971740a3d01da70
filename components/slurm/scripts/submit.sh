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

# submit_batch NAME_PREFIX FIRST COPIES specIndex count offset interval nodes tasksPerNode cpus memoryMiB minutes
# priority kind args… (one copy). A job of one task runs the job wrapper as its batch script; a job of several runs
# tasks.sh, which starts the wrapper once per task with srun. Either way the wrapper records the node by SLURM's name
# of it (SLURMD_NODENAME: netns nodes share one hostname). Priority is the job's nice value (docs/schedulers.md,
# "Priority"): low +10000, normal none, high -10000 (a negative nice needs root, as submit runs). The job gets
# sbatch's whole environment (the default, --export=ALL) with SCHEDBENCH_NODE_VAR added to it here: an explicit
# export list (`--export=ALL,VAR=…`) makes sbatch set SLURM_GET_USER_ENV=1, and slurmd then runs a login shell
# (`su - root -c "slurmstepd getenv"`) before every batch job: a hundred jobs starting at once spent most of a
# minute in those shells on one CPU.
submit_batch() {
  local name="$1$2" nodes="$8" per_node="$9" cpus="${10}" mem="${11}" minutes="${12}" priority="${13}" kind="${14}"
  local id nice=() script=("$ROOT/jobs/job.sh")
  shift 14
  ((nodes * per_node == 1)) || script=("$ROOT/jobs/tasks.sh" "$ROOT/jobs/job.sh")
  case "$priority" in
    low) nice=(--nice=10000) ;;
    normal) ;;
    high) nice=(--nice=-10000) ;;
    *) die "unknown priority $priority" ;;
  esac
  id="$(SCHEDBENCH_NODE_VAR=SLURMD_NODENAME sbatch --parsable -p "$PARTITION" -N "$nodes" --ntasks-per-node="$per_node" -c "$cpus" --mem="${mem}M" \
    -t "$minutes" "${nice[@]}" --no-requeue --job-name="$name" -o "$out_dir/%j.out" -e "$out_dir/%j.out" \
    "${script[@]}" "$out_dir" SLURM_JOB_ID "$kind" "$@")" || return 1
  printf '%s\n' "${id%%;*}"
}

submit_jobs each submit_batch
