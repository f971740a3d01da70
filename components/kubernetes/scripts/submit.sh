# shellcheck shell=bash
# Submit a run's Jobs at their arrival times: the stage library's submit_jobs (idle gap, arrivals of the neutral
# plan PLAN in `burst` mode, the SubmitOutput) calls submit_list for each submission. The copies of a spec that
# arrive together (interval 0) go to the apiserver in one `kubectl create` of a List, so a burst measures
# Kubernetes' ingest and not this loop; copies that trickle in are created one by one at their offsets. Every copy
# is made from its spec's Job in JOB_TEMPLATES (a JSON array indexed by specIndex: render.ts renderJobTemplates);
# the apiserver validates every object strictly (unknown fields are errors).
set -euo pipefail
: "${NAMESPACE:?namespace of the benchmark Jobs}"
: "${JOB_TEMPLATES:?the Job of every spec (JSON array)}"
skip_if_done
kube_env

# The namespace is one of the cluster's objects (components/kubernetes/objects.ts); a run never goes on without it.
kubectl get namespace "$NAMESPACE" >/dev/null || die "kubernetes submit: namespace $NAMESPACE is missing"

mapfile -t templates < <(jq -c '.[]' <<<"$JOB_TEMPLATES")

# submit_list NAME_PREFIX FIRST COPIES specIndex … : the copies as one List of the spec's Job, created at once.
submit_list() {
  local prefix="$1" first="$2" copies="$3" spec="$4" list name
  [[ -n "${templates[$spec]:-}" ]] || die "kubernetes submit: JOB_TEMPLATES has no Job for spec $spec"
  list="$(jq -c --arg prefix "$prefix" --argjson first "$first" --argjson copies "$copies" \
    '. as $job | {apiVersion: "v1", kind: "List",
      items: [range($first; $first + $copies) as $k | $job | .metadata.name = "\($prefix)\($k)"]}' \
    <<<"${templates[$spec]}")"
  kubectl create --validate=strict -f - -o name <<<"$list" | while read -r name; do printf '%s\n' "${name#*/}"; done
}

submit_jobs burst submit_list
