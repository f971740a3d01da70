# shellcheck shell=bash
# Wait until none of the run's jobs (named JOB_PREFIX…) is pending or running: the stage library's wait_for_jobs
# with `flux jobs` as the question and `flux cancel` as the cancel. Prints its WaitOutput:
# {"timedOut":false,"waitedSeconds":…}, {"timedOut":true,"cancelled":[…],…} on TIMEOUT_SECONDS, or
# {…,"schedulerLost":"flux jobs: <error>"} when the instance has not answered for CONTROLLER_GRACE_SECONDS.
# submit.sh makes every job waitable, so the wait first blocks in one `flux job wait --all` (the job manager answers
# as jobs end; the library's --before) and `flux jobs` only confirms the end. Polling `flux jobs` every half second
# instead cost ~0.3 CPU-s a call (Python start-up, every active job listed) on rank 0's node, beside the jobs it
# waited for: 1,000 trivial jobs ran at 0.57× the rate of a raw `flux submit --cc` (bench/flux-throughput.ts).
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${TIMEOUT_SECONDS:?bound of the wait}"
skip_if_done
flux_env

# read_left : the run's jobs still pending or running, into wait_for_jobs' `left`; fails when `flux jobs` does (the
# broker not answering): an unanswered question is not an empty queue.
read_left() { left_by_name 'flux jobs' ' ' flux jobs -n -o '{id.f58} {name}'; }

# cancel_jobs ID… : flux cancel of the jobs left at the bound.
cancel_jobs() { flux cancel "$@"; }

# wait_all SECONDS : block until every waitable job of the instance has ended (this run's, and any earlier run's
# left unreaped), at most SECONDS. Its status says whether a job failed, which the collect stage reports: not ours
# to judge here.
wait_all() { timeout "$1" flux job wait --all >/dev/null 2>&1 || true; }

wait_for_jobs --left read_left --cancel cancel_jobs --before wait_all --scheduler 'the Flux instance'
