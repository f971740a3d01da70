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

names=()
declare -A want seen
while read -r name cores; do
  [[ -n "$name" ]] || continue
  names+=("$name"); want[$name]="$cores"
done <<<"$EXPECTED_NODES"

# Cores Flux can schedule on a node (free or allocated; a node that is down or not yet joined has none).
read_node() {
  local n="$1" total=0 c
  while read -r c; do [[ "$c" =~ ^[0-9]+$ ]] && total=$((total + c)); done \
    < <(flux resource list -s free,allocated -i "$n" -no '{ncores}' 2>/dev/null || true)
  seen[$n]="$total"
}
all_online() {
  local n
  for n in "${names[@]}"; do read_node "$n"; ((${seen[$n]} > 0)) || return 1; done
}
if ! wait_until "$VALIDATE_TIMEOUT" "every node to be online" all_online; then
  for n in "${names[@]}"; do
    ((${seen[$n]:-0} > 0)) || die "flux validate: node $n is not online in flux resource list (0 cores up), expected ${want[$n]} cores"
  done
fi
for n in "${names[@]}"; do
  [[ "${seen[$n]}" == "${want[$n]}" ]] ||
    die "flux validate: node $n has ${seen[$n]} cores in flux resource list, the profile expects ${want[$n]}"
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
