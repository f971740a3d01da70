#!/bin/bash
# The batch script of a SLURM job of several tasks — not a stage: configure.sh installs it beside the job wrapper as
# <root>/jobs/tasks.sh on every node, and submit.sh submits it in place of job.sh when a job has more than one task.
# Usage: tasks.sh JOB_SH OUT_DIR ID_VAR MODE [ARGS…]: runs JOB_SH OUT_DIR ID_VAR MODE ARGS… once per task of the
# allocation with srun (the job's nodes × tasks per node), each task recording its rank (SLURM_PROCID) and its node
# (SLURMD_NODENAME) in its own times file (components/jobs/scripts/job.sh). One task failing ends the others.
# (The batch script runs from slurmd's spool, so the wrapper's path comes as an argument, not from $0.)
set -euo pipefail
job_sh="$1"
shift
export SCHEDBENCH_TASK_VAR=SLURM_PROCID SCHEDBENCH_NODE_VAR=SLURMD_NODENAME
# SLURM 22.05's srun no longer takes the CPUs per task from the batch environment (SLURM_CPUS_PER_TASK): pass them.
exec srun --kill-on-bad-exit=1 --cpus-per-task="${SLURM_CPUS_PER_TASK:-1}" "$job_sh" "$@"
