# shellcheck shell=bash
# Submit a run's jobs with sbatch --parsable after an idle gap, following the plan's arrival pattern.
# PLAN lines: specIndex count offsetSeconds intervalSeconds cpus memoryMiB timeLimitMinutes mode [args…].
# Prints {"startedAt":…,"endedAt":…,"jobs":[{"id":…,"specIndex":…,"name":…,"submittedAt":<epoch s, µs>}]}.
set -euo pipefail
: "${RUN_KEY:?run directory name}"
: "${JOB_PREFIX:?job name prefix carrying the run id}"
: "${PLAN:?job plan}"
: "${PARTITION:?partition}"
: "${IDLE_GAP_SECONDS:=0}"
skip_if_done
slurm_env
out_dir="$ROOT/jobs/out/$RUN_KEY"
install -d -m 0755 "$out_dir"

# A deliberate idle period (not a synchronisation): the samplers record the quiet baseline before the load.
if [[ "$IDLE_GAP_SECONDS" != 0 ]]; then sleep "$IDLE_GAP_SECONDS"; fi

# Expand the plan into one line per job: offset specIndex k lineNumber, in arrival order.
mapfile -t specs <<<"$PLAN"
events="$(
  for i in "${!specs[@]}"; do
    read -r spec count offset interval _ <<<"${specs[$i]}"
    for ((k = 0; k < count; k++)); do
      at=0.000
      if [[ "$offset" != 0 || "$interval" != 0 ]]; then
        at="$(awk -v o="$offset" -v s="$interval" -v k="$k" 'BEGIN{printf "%.3f", o + s * k}')"
      fi
      printf '%s %s %s %s\n' "$at" "$spec" "$k" "$i"
    done
  done | sort -n -s -k1,1
)"

now_iso() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }
started_at="$(now_iso)"
t0="$EPOCHREALTIME"
jobs_json=''
while read -r at spec k line; do
  [[ -n "$at" ]] || continue
  read -r _ _ _ _ cpus mem minutes mode args <<<"${specs[$line]}"
  read -r -a argv <<<"${args:-}"
  if [[ "$at" != 0.000 ]]; then
    wait_s="$(awk -v at="$at" -v t0="$t0" -v now="$EPOCHREALTIME" 'BEGIN{d = t0 + at - now; printf "%.3f", (d > 0 ? d : 0)}')"
    [[ "$wait_s" == 0.000 ]] || sleep "$wait_s"
  fi
  name="${JOB_PREFIX}s${spec}-${k}"
  submitted_at="$EPOCHREALTIME"
  id="$(sbatch --parsable -p "$PARTITION" -N 1 -n 1 -c "$cpus" --mem="${mem}M" -t "$minutes" --no-requeue \
    --job-name="$name" -o "$out_dir/%j.out" -e "$out_dir/%j.out" "$ROOT/jobs/job.sh" "$out_dir" "$mode" "${argv[@]}")"
  id="${id%%;*}"
  jobs_json+="${jobs_json:+,}{\"id\":\"$id\",\"specIndex\":$spec,\"name\":\"$name\",\"submittedAt\":$submitted_at}"
done <<<"$events"
ended_at="$(now_iso)"
printf '{"startedAt":"%s","endedAt":"%s","jobs":[%s]}\n' "$started_at" "$ended_at" "$jobs_json"
