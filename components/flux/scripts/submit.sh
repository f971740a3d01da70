# shellcheck shell=bash
# Submit a run's jobs with `flux submit` at their arrival times: the stage library's submit_jobs (idle gap, arrivals
# of the neutral plan PLAN in `burst` mode, the SubmitOutput) calls submit_flux for each submission. The jobs of a
# spec that arrive together (interval 0) are one `flux submit --cc` call, so a burst measures Flux's ingest and not
# this loop; jobs that trickle in are submitted one by one at their offsets. Jobs are waitable (wait.sh blocks in
# `flux job wait --all` instead of polling).
# Memory: Flux's resource model here has no memory (the [resource.config] gives cores only), so the request (per
# node) is recorded as the jobspec attribute user.schedbench.memory_mib and not enforced.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${RUN_KEY:?run directory name}"
skip_if_done
flux_env
out_dir="$ROOT/jobs/out/$RUN_KEY"
install -d -m 0755 "$out_dir"

# submit_flux NAME_PREFIX FIRST COPIES specIndex count offset interval nodes tasksPerNode cpus memoryMiB minutes
# priority kind args…
# A job spans `nodes` nodes with tasksPerNode tasks on each (`-N nodes -n nodes×tasksPerNode`: Flux spreads the
# tasks evenly, tasksPerNode per node), each task `cpus` cores. A job of several tasks runs the wrapper once per
# task; SCHEDBENCH_TASK_VAR=FLUX_TASK_RANK (the rank the job shell gives each task) makes each write its own
# <id>@<rank>.times. The wrapper names the node by `hostname`: every broker runs inside its node (its UTS
# namespace on netns nodes, the VM itself otherwise) under the hostname it has in [bootstrap], so that is Flux's
# name of the node. Priority is the job's urgency (0–31, default 16; 0 holds a job, 31 expedites it, so neither is
# used): low 8, normal 16, high 24.
submit_flux() {
  local prefix="$1" first="$2" copies="$3" nodes="$8" per_node="$9" cpus="${10}" mem="${11}" minutes="${12}"
  local priority="${13}" kind="${14}" many urgency tasks=()
  shift 14
  case "$priority" in
    low) urgency=8 ;;
    normal) urgency=16 ;;
    high) urgency=24 ;;
    *) die "unknown priority $priority" ;;
  esac
  ((nodes * per_node == 1)) || tasks=(--env=SCHEDBENCH_TASK_VAR=FLUX_TASK_RANK)
  if ((copies > 1)); then
    many=(--cc="$first-$((first + copies - 1))" --job-name="${prefix}{cc}")
  else
    many=(--job-name="${prefix}${first}")
  fi
  # A lean jobspec environment: what the wrapper needs and the cluster's marker (stop.sh finds jobs by it). With
  # --cc, ids arrive in ingest order, which is the order of the copies.
  flux submit "${many[@]}" -N "$nodes" -n "$((nodes * per_node))" -c "$cpus" -t "${minutes}m" \
    --urgency="$urgency" -o cpu-affinity=off --setattr=user.schedbench.memory_mib="$mem" \
    --env-remove='*' --env=PATH --env=HOME --env=SCHEDBENCH_FLUX_ROOT "${tasks[@]}" \
    --flags=waitable --output="$out_dir/{{id}}.out" "$ROOT/jobs/job.sh" "$out_dir" FLUX_JOB_ID "$kind" "$@"
}

submit_jobs burst submit_flux
