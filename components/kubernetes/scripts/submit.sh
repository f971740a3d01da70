# shellcheck shell=bash
# Submit a run's Jobs after an idle gap, following the plan's arrival pattern. PLAN is JSON (workload.ts
# renderJobPlan): per spec its count, offset, interval and the Job every copy is made from. Copies of one spec
# that arrive together (interval 0) go to the apiserver in one `kubectl create` of a List, so a burst measures
# Kubernetes' ingest and not this loop; copies that trickle in are created one by one at their offsets. The
# apiserver validates every object strictly (unknown fields are errors). Jobs are named <JOB_PREFIX>s<spec>-<k>.
# Prints {"startedAt":…,"endedAt":…,"jobs":[{"id":…,"specIndex":…,"name":…,"submittedAt":<epoch s, µs>}]}.
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${JOB_PREFIX:?prefix of the Job names of the run}"
: "${PLAN:?job plan (JSON)}"
: "${IDLE_GAP_SECONDS:=0}"
skip_if_done
kube_env

# The namespace is one of the cluster's objects (components/kubernetes/objects.ts); a run never goes on without it.
kubectl get namespace "$NAMESPACE" >/dev/null || die "kubernetes submit: namespace $NAMESPACE is missing"

# A deliberate idle period (not a synchronisation): the samplers record the quiet baseline before the load; a
# deadline from when the samplers started (IDLE_FROM; prelude's idle_gap_deadline).
idle_gap_deadline
sleep_until_us "$IDLE_UNTIL_US"

mapfile -t templates < <(jq -c '.[].job' <<<"$PLAN")
# Submissions in arrival order: `atMicroseconds specIndex firstCopy copies`.
events="$(jq -r '.[] | . as $s
  | if $s.intervalSeconds == 0 then "\($s.offsetSeconds * 1000000 | round) \($s.specIndex) 0 \($s.count)"
    else range(0; $s.count) as $k
      | "\(($s.offsetSeconds + $s.intervalSeconds * $k) * 1000000 | round) \($s.specIndex) \($k) 1" end' \
  <<<"$PLAN" | sort -n -s -k1,1)"

started_at="$(now_iso)"
now_us
t0_us=$NOW_US
jobs_json=''
while read -r at_us spec first copies; do
  [[ -n "$at_us" ]] || continue
  list="$(jq -c --arg prefix "${JOB_PREFIX}s${spec}-" --argjson first "$first" --argjson copies "$copies" \
    '. as $job | {apiVersion: "v1", kind: "List",
      items: [range($first; $first + $copies) as $k | $job | .metadata.name = "\($prefix)\($k)"]}' \
    <<<"${templates[$spec]}")"
  ((at_us == 0)) || sleep_until_us $((t0_us + at_us))
  submitted_at="$EPOCHREALTIME"
  mapfile -t names < <(kubectl create --validate=strict -f - -o name <<<"$list")
  ((${#names[@]} == copies)) || die "kubectl create of spec $spec created ${#names[@]} Job(s), expected $copies"
  for name in "${names[@]}"; do
    name="${name#*/}"
    jobs_json+="${jobs_json:+,}{\"id\":\"$name\",\"specIndex\":$spec,\"name\":\"$name\",\"submittedAt\":$submitted_at}"
  done
done <<<"$events"
ended_at="$(now_iso)"
printf '{"startedAt":"%s","endedAt":"%s","jobs":[%s]}\n' "$started_at" "$ended_at" "$jobs_json"
