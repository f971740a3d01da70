# shellcheck shell=bash
# Submit a run's jobs with sbatch --parsable after an idle gap, one job per submission at its arrival time (the
# stage library's plan_arrivals). PLAN lines: specIndex count offsetSeconds intervalSeconds cpus memoryMiB
# timeLimitMinutes kind [args…].
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

# A deliberate idle period (not a synchronisation): the samplers record the quiet baseline before the load. It
# is a deadline from when the samplers started (IDLE_FROM; prelude's idle_gap_deadline), so their start and the
# preparation below happen inside it instead of before it.
idle_gap_deadline
mapfile -t specs <<<"$PLAN"
events="$(plan_arrivals each <<<"$PLAN")"

sleep_until_us "$IDLE_UNTIL_US"
started_at="$(now_iso)"
now_us
t0_us=$NOW_US
jobs_json=''
while read -r at_us spec k _ line; do
  [[ -n "$at_us" ]] || continue
  read -r _ _ _ _ cpus mem minutes kind args <<<"${specs[$line]}"
  read -r -a argv <<<"${args:-}"
  ((at_us == 0)) || sleep_until_us $((t0_us + at_us))
  name="${JOB_PREFIX}s${spec}-${k}"
  submitted_at="$EPOCHREALTIME"
  id="$(sbatch --parsable -p "$PARTITION" -N 1 -n 1 -c "$cpus" --mem="${mem}M" -t "$minutes" --no-requeue \
    --job-name="$name" -o "$out_dir/%j.out" -e "$out_dir/%j.out" "$ROOT/jobs/job.sh" "$out_dir" SLURM_JOB_ID "$kind" "${argv[@]}")"
  id="${id%%;*}"
  jobs_json+="${jobs_json:+,}{\"id\":\"$id\",\"specIndex\":$spec,\"name\":\"$name\",\"submittedAt\":$submitted_at}"
done <<<"$events"
ended_at="$(now_iso)"
printf '{"startedAt":"%s","endedAt":"%s","jobs":[%s]}\n' "$started_at" "$ended_at" "$jobs_json"
