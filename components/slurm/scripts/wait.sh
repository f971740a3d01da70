# shellcheck shell=bash
# Wait until none of the run's jobs (named JOB_PREFIX…) is queued or running: the stage library's wait_for_jobs
# with squeue as the question and scancel as the cancel. Prints its WaitOutput: {"timedOut":false,"waitedSeconds":…},
# {"timedOut":true,"cancelled":[…],…} on TIMEOUT_SECONDS, or {…,"schedulerLost":"squeue: <error>"} when slurmctld
# has not answered for CONTROLLER_GRACE_SECONDS. Polls squeue every POLL_SECONDS (0.5) after the first 0.2 s: each
# squeue is a process and an RPC on the controller node, whose samples count them.
set -euo pipefail
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
skip_if_done
slurm_env

# squeue_left : the run's jobs still queued or running, into wait_for_jobs' `left`; fails when squeue does.
squeue_left() { left_by_name squeue '|' squeue -h -o '%i|%j'; }

wait_for_jobs --left squeue_left --cancel scancel --scheduler slurmctld
