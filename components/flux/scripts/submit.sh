# shellcheck shell=bash
# Submit a run's jobs with `flux submit` at their arrival times: the stage library's submit_jobs (idle gap, arrivals
# of the neutral plan PLAN in `burst` mode, the SubmitOutput) calls submit_flux for each submission. The jobs of a
# spec that arrive together (interval 0) are one `flux submit --cc` call, so a burst measures Flux's ingest and not
# this loop; jobs that trickle in are submitted one by one at their offsets. Jobs are waitable (wait.sh blocks in
# `flux job wait --all` instead of polling).
# Memory: Flux's resource model here has no memory (the [resource.config] gives cores only), so the request is
# recorded as the jobspec attribute user.schedbench.memory_mib and not enforced.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${RUN_KEY:?run directory name}"
skip_if_done
flux_env
out_dir="$ROOT/jobs/out/$RUN_KEY"
install -d -m 0755 "$out_dir"

# submit_flux NAME_PREFIX FIRST COPIES specIndex count offset interval cpus memoryMiB minutes kind args…
submit_flux() {
  local prefix="$1" first="$2" copies="$3" cpus="$8" mem="$9" minutes="${10}" kind="${11}" many
  shift 11
  if ((copies > 1)); then
    many=(--cc="$first-$((first + copies - 1))" --job-name="${prefix}{cc}")
  else
    many=(--job-name="${prefix}${first}")
  fi
  # A lean jobspec environment: what the wrapper needs and the cluster's marker (stop.sh finds jobs by it). With
  # --cc, ids arrive in ingest order, which is the order of the copies.
  flux submit "${many[@]}" -N 1 -n 1 -c "$cpus" -t "${minutes}m" -o cpu-affinity=off \
    --setattr=user.schedbench.memory_mib="$mem" --env-remove='*' --env=PATH --env=HOME --env=SCHEDBENCH_FLUX_ROOT \
    --flags=waitable --output="$out_dir/{{id}}.out" "$ROOT/jobs/job.sh" "$out_dir" FLUX_JOB_ID "$kind" "$@"
}

submit_jobs burst submit_flux
