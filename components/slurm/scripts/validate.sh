# shellcheck shell=bash
# Validate the cluster from the controller node: scontrol ping, every node IDLE with exactly the profile's CPUs
# and memory, then a one-task job on every node completes and appears in sacct. A failure names the node, the
# value seen and the value expected. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${CLUSTER:?cluster name}"
: "${EXPECTED_NODES:?lines of: name cpus memoryMiB}"
: "${PARTITION:?partition}"
: "${VALIDATE_TIMEOUT:=60}"
export SLURM_CONF="$ROOT/etc/slurm.conf" TZ=UTC

ctld_up() { local out; out="$(scontrol ping 2>/dev/null)" && grep -q 'is UP' <<<"$out"; }
wait_until "$VALIDATE_TIMEOUT" "slurmctld to answer scontrol ping" ctld_up || die "slurm validate: scontrol ping does not report the controller UP"

declare -a names
declare -A want_cpus want_mem # filled by expected_nodes (components/stages.sh)
expected_nodes
declare -A seen_state seen_cpus seen_mem
# shellcheck disable=SC2034 # the states are read by await_node_state (components/stages.sh)
read_nodes() {
  local n s c m
  while IFS='|' read -r n s c m; do seen_state[$n]="$s"; seen_cpus[$n]="$c"; seen_mem[$n]="$m"; done \
    < <(sinfo -h -N -p "$PARTITION" -o '%N|%T|%c|%m' 2>/dev/null)
}
await_node_state idle read_nodes seen_state slurm
for n in "${names[@]}"; do
  [[ "${seen_cpus[$n]}" == "${want_cpus[$n]}" ]] ||
    die "slurm validate: node $n reports ${seen_cpus[$n]} CPUs, the profile expects ${want_cpus[$n]}"
  [[ "${seen_mem[$n]}" == "${want_mem[$n]}" ]] ||
    die "slurm validate: node $n reports ${seen_mem[$n]} MiB of memory, the profile expects ${want_mem[$n]}"
done

# One single-task job per node, pinned with -w.
declare -A job_of
for n in "${names[@]}"; do
  job_of[$n]="$(sbatch --parsable -p "$PARTITION" -w "$n" -N 1 -n 1 --job-name="schedbench-validate-$n" \
    -o /dev/null -e /dev/null --wrap=hostname | cut -d';' -f1)"
done
ids="$(IFS=,; echo "${job_of[*]}")"
declare -A acct_state acct_nodes
read_acct() {
  local id s nl
  while IFS='|' read -r id s nl; do acct_state[$id]="$s"; acct_nodes[$id]="$nl"; done \
    < <(sacct -n -P -X -j "$ids" -o JobIDRaw,State,NodeList 2>/dev/null)
}
all_done() {
  read_acct
  local n
  for n in "${names[@]}"; do
    case "${acct_state[${job_of[$n]}]:-}" in
      COMPLETED | FAILED | CANCELLED* | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL) ;;
      *) return 1 ;;
    esac
  done
}
if ! wait_until "$VALIDATE_TIMEOUT" "the validation jobs to appear finished in sacct" all_done; then
  for n in "${names[@]}"; do
    log "node $n: job ${job_of[$n]} is ${acct_state[${job_of[$n]}]:-not in sacct}"
  done
  die "slurm validate: the validation jobs did not finish in ${VALIDATE_TIMEOUT}s"
fi
for n in "${names[@]}"; do
  id="${job_of[$n]}"
  [[ "${acct_state[$id]}" == COMPLETED ]] || die "slurm validate: node $n: job $id is ${acct_state[$id]} in sacct, expected COMPLETED"
  [[ "${acct_nodes[$id]}" == "$n" ]] || die "slurm validate: node $n: job $id ran on ${acct_nodes[$id]}, expected $n"
done

jq -cn --arg cluster "$CLUSTER" --arg version "$(scontrol version | awk '{print $2}')" \
  --argjson nodes "$(printf '%s\n' "${names[@]}" | jq -R . | jq -cs .)" \
  '{cluster:$cluster,slurmVersion:$version,nodes:$nodes,validated:true}'
