# shellcheck shell=bash
# Submit a run's jobs with `flux submit` after an idle gap, following the plan's arrival pattern. Jobs of one spec
# that arrive together (interval 0) go in one `flux submit --cc=0-<count-1>` call, so a burst measures Flux's
# ingest and not this loop; jobs that trickle in are submitted one by one at their offsets.
# PLAN lines: specIndex count offsetSeconds intervalSeconds cpus memoryMiB timeLimitMinutes mode [args…].
# Jobs are waitable (wait.sh blocks in `flux job wait --all` instead of polling).
# Memory: Flux's resource model here has no memory (the [resource.config] gives cores only), so the request is
# recorded as the jobspec attribute user.schedbench.memory_mib and not enforced.
# Prints {"startedAt":…,"endedAt":…,"jobs":[{"id":…,"specIndex":…,"name":…,"submittedAt":<epoch s, µs>}]}.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${RUN_KEY:?run directory name}"
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${PLAN:?job plan}"
: "${IDLE_GAP_SECONDS:=0}"
skip_if_done
flux_env
out_dir="$ROOT/jobs/out/$RUN_KEY"
install -d -m 0755 "$out_dir"

# A deliberate idle period (not a synchronisation): the samplers record the quiet baseline before the load; a
# deadline from when the samplers started (IDLE_FROM; prelude's idle_gap_deadline).
idle_gap_deadline
sleep_until_us "$IDLE_UNTIL_US"

# Expand the plan into submissions, in arrival order: `atMicroseconds lineNumber firstCopy copies`.
mapfile -t specs <<<"$PLAN"
events="$(
  awk 'NF >= 4 { if ($4 == 0) printf "%d %d 0 %d\n", $3 * 1000000, NR - 1, $2
         else for (k = 0; k < $2; k++) printf "%d %d %d 1\n", ($3 + $4 * k) * 1000000, NR - 1, k }' <<<"$PLAN" |
    sort -n -s -k1,1
)"

started_at="$(now_iso)"
now_us
t0_us=$NOW_US
jobs_json=''
while read -r at_us line first copies; do
  [[ -n "$at_us" ]] || continue
  read -r spec _ _ _ cpus mem minutes mode args <<<"${specs[$line]}"
  read -r -a argv <<<"${args:-}"
  ((at_us == 0)) || sleep_until_us $((t0_us + at_us))
  base="${JOB_PREFIX}s${spec}-"
  if ((copies > 1)); then
    many=(--cc="$first-$((first + copies - 1))" --job-name="${base}{cc}")
  else
    many=(--job-name="${base}${first}")
  fi
  submitted_at="$EPOCHREALTIME"
  # A lean jobspec environment: what the wrapper needs and the cluster's marker (stop.sh finds jobs by it).
  mapfile -t ids < <(flux submit "${many[@]}" -N 1 -n 1 -c "$cpus" -t "${minutes}m" -o cpu-affinity=off \
    --setattr=user.schedbench.memory_mib="$mem" --env-remove='*' --env=PATH --env=HOME --env=SCHEDBENCH_FLUX_ROOT \
    --flags=waitable --output="$out_dir/{{id}}.out" "$ROOT/jobs/job.sh" "$out_dir" FLUX_JOB_ID "$mode" "${argv[@]}")
  ((${#ids[@]} == copies)) || die "flux submit of spec $spec returned ${#ids[@]} job ids, expected $copies"
  # With --cc, ids arrive in ingest order, which is the order of the copies.
  for k in "${!ids[@]}"; do
    jobs_json+="${jobs_json:+,}{\"id\":\"${ids[$k]}\",\"specIndex\":$spec,\"name\":\"${base}$((first + k))\",\"submittedAt\":$submitted_at}"
  done
done <<<"$events"
ended_at="$(now_iso)"
printf '{"startedAt":"%s","endedAt":"%s","jobs":[%s]}\n' "$started_at" "$ended_at" "$jobs_json"
