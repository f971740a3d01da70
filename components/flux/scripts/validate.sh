# shellcheck shell=bash
# Validate the instance from rank 0: Fluxion is the scheduler, every node is online with exactly the profile's
# cores (`flux resource list`), and `flux run -N<nodes> hostname` returns every node's name. A failure names
# the node, the value seen and the value expected. Prints one JSON line.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${CLUSTER:?cluster name}"
: "${EXPECTED_NODES:?lines of: name cores}"
: "${VALIDATE_TIMEOUT:=90}"
flux_env
wait_until "$VALIDATE_TIMEOUT" "rank 0 to answer on $FLUX_URI" flux_up || die "flux validate: rank 0 does not answer on $FLUX_URI"

declare -a names
declare -A want_cpus # filled by expected_nodes (components/stages.sh)
expected_nodes
# Cores Flux can schedule on each node (free or allocated; a node that is down or not yet joined has none).
declare -A seen_state seen_cores
# shellcheck disable=SC2034 # the states are read by await_node_state (components/stages.sh)
read_nodes() {
  local n total c
  for n in "${names[@]}"; do
    total=0
    while read -r c; do
      if [[ "$c" =~ ^[0-9]+$ ]]; then total=$((total + c)); fi
    done < <(flux resource list -s free,allocated -i "$n" -no '{ncores}' 2>/dev/null || true)
    seen_cores[$n]="$total"
    if ((total > 0)); then seen_state[$n]=online; else seen_state[$n]="not online (0 cores up in flux resource list)"; fi
  done
}
await_node_state online read_nodes seen_state flux
for n in "${names[@]}"; do
  [[ "${seen_cores[$n]}" == "${want_cpus[$n]}" ]] ||
    die "flux validate: node $n has ${seen_cores[$n]} cores in flux resource list, the profile expects ${want_cpus[$n]}"
done

modules="$(flux module list 2>/dev/null | awk 'NR > 1 {print $1}')"
grep -qx sched-fluxion-qmanager <<<"$modules" || die "flux validate: sched-fluxion-qmanager is not loaded (modules: $(tr '\n' ' ' <<<"$modules"))"
grep -qx sched-fluxion-resource <<<"$modules" || die "flux validate: sched-fluxion-resource is not loaded"

# One task on every node.
count="${#names[@]}"
out="$(timeout "$VALIDATE_TIMEOUT" flux run -N "$count" -n "$count" -o cpu-affinity=off -t 1m hostname 2>&1)" ||
  die "flux validate: flux run -N$count hostname failed: $out"
declare -A ran
while read -r h; do [[ -n "$h" ]] && ran[$h]=1; done <<<"$out"
for n in "${names[@]}"; do
  [[ -n "${ran[$n]:-}" ]] || die "flux validate: node $n did not answer flux run -N$count hostname (got: $(tr '\n' ' ' <<<"$out"))"
done

jq -cn --arg cluster "$CLUSTER" --arg version "$(flux version | awk '$1 == "commands:" {print $2}')" \
  --argjson nodes "$(printf '%s\n' "${names[@]}" | jq -R . | jq -cs .)" \
  '{cluster:$cluster,fluxVersion:$version,nodes:$nodes,validated:true}'
