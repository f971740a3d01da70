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
: "${SUBMIT_ATTEMPTS:=5}"
skip_if_done
kube_env

# The namespace is one of the cluster's objects (components/kubernetes/objects.ts); a run never goes on without it.
kubectl get namespace "$NAMESPACE" >/dev/null || die "kubernetes submit: namespace $NAMESPACE is missing"

mapfile -t templates < <(jq -c '.[]' <<<"$JOB_TEMPLATES")

# submit_list NAME_PREFIX FIRST COPIES specIndex … : the copies as one List of the spec's Job, created at once; their
# names in order. Every Job created updates the namespace's ResourceQuota, as does every pod the Job controller
# makes: when thousands land together the apiserver's quota admission can lose that race a few times over and
# refuse a Job with a Conflict on the quota. Only those Jobs are created again (up to SUBMIT_ATTEMPTS times, each
# retry said on stderr); any other refusal fails the stage with kubectl's words.
submit_list() {
  local prefix="$1" first="$2" copies="$3" spec="$4" list err attempt=1 k
  local -A created=()
  [[ -n "${templates[$spec]:-}" ]] || die "kubernetes submit: JOB_TEMPLATES has no Job for spec $spec"
  list="$(jq -c --arg prefix "$prefix" --argjson first "$first" --argjson copies "$copies" \
    '. as $job | {apiVersion: "v1", kind: "List",
      items: [range($first; $first + $copies) as $k | $job | .metadata.name = "\($prefix)\($k)"]}' \
    <<<"${templates[$spec]}")"
  err="$(mktemp)"
  while true; do
    while read -r name; do [[ -z "$name" ]] || created[${name#*/}]=1; done < <(
      kubectl create --validate=strict -f - -o name <<<"$list" 2>"$err" || true)
    ((${#created[@]} < copies)) || break
    if [[ -n "$(grep -v -e '^$' -e 'on resourcequotas .*the object has been modified' "$err" || true)" ]]; then
      cat "$err" >&2
      rm -f "$err"
      die "kubernetes submit: $((copies - ${#created[@]})) of $copies Jobs of spec $spec were refused"
    fi
    ((attempt < SUBMIT_ATTEMPTS)) || {
      rm -f "$err"
      die "kubernetes submit: $((copies - ${#created[@]})) Jobs of spec $spec still refused after $attempt attempts (ResourceQuota update conflicts)"
    }
    log "kubernetes submit: $((copies - ${#created[@]})) Jobs of spec $spec lost a ResourceQuota update race; creating them again (attempt $((attempt + 1)))"
    attempt=$((attempt + 1))
    list="$(jq -c --args '($ARGS.positional | map({key: ., value: true}) | from_entries) as $done |
      .items |= map(select($done[.metadata.name] | not))' "${!created[@]}" <<<"$list")"
  done
  rm -f "$err"
  for ((k = first; k < first + copies; k++)); do printf '%s%s\n' "$prefix" "$k"; done
}

submit_jobs burst submit_list
