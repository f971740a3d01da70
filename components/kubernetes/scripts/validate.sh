# shellcheck shell=bash
# Validate the cluster from the first node: the apiserver's /readyz, every node Ready with allocatable CPU and
# memory equal to the profile's, then one pod per node (placed by the scheduler, image imported, never pulled)
# runs to completion on that node. A failure names the node, the value seen and the value expected. Prints one
# JSON line; the validation pods are removed afterwards.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${EXPECTED_NODES:?lines of: name cpus memoryBytes}"
: "${VALIDATION_PODS:?a v1 List of the validation pods (JSON)}"
: "${VALIDATE_TIMEOUT:=180}"
kubectl=("$BIN_DIR/bin/kubectl" --kubeconfig "$ROOT/etc/admin.conf")

ready() { [[ "$("${kubectl[@]}" get --raw /readyz 2>/dev/null)" == ok ]]; }
wait_until "$VALIDATE_TIMEOUT" "kube-apiserver /readyz" ready ||
  die "kubernetes validate: /readyz is not ok: $("${kubectl[@]}" get --raw '/readyz?verbose' 2>&1 | grep -v '\[+\]' | tail -n 3 | tr '\n' ' ')"

declare -a names
declare -A want_cpus want_mem # filled by expected_nodes (components/stages.sh)
expected_nodes

# bytes QUANTITY : a Kubernetes memory quantity (plain, Ki, Mi, Gi, k, M, G) in bytes.
bytes() {
  local q="$1"
  case "$q" in
    *Ki) echo $((${q%Ki} * 1024)) ;; *Mi) echo $((${q%Mi} * 1048576)) ;; *Gi) echo $((${q%Gi} * 1073741824)) ;;
    *k) echo $((${q%k} * 1000)) ;; *M) echo $((${q%M} * 1000000)) ;; *G) echo $((${q%G} * 1000000000)) ;;
    *) echo "$q" ;;
  esac
}
# millicpus QUANTITY : a CPU quantity (1, 1500m) in millicores.
millicpus() { if [[ "$1" == *m ]]; then echo "${1%m}"; else echo $(($1 * 1000)); fi; }

declare -A seen_ready seen_cpu seen_mem
# shellcheck disable=SC2034 # the states are read by await_node_state (components/stages.sh)
read_nodes() {
  local n r c m
  while IFS=$'\t' read -r n r c m; do seen_ready[$n]="$r"; seen_cpu[$n]="$c"; seen_mem[$n]="$m"; done < <(
    "${kubectl[@]}" get nodes -o json 2>/dev/null | jq -r '.items[] | [.metadata.name,
      ([(.status.conditions // [])[] | select(.type == "Ready") | .status][0] // "Unknown"
        | if . == "True" then "Ready" else "NotReady (Ready=\(.))" end),
      .status.allocatable.cpu, .status.allocatable.memory] | @tsv')
}
await_node_state Ready read_nodes seen_ready kubernetes
for n in "${names[@]}"; do
  [[ "$(millicpus "${seen_cpu[$n]}")" == "$((${want_cpus[$n]} * 1000))" ]] ||
    die "kubernetes validate: node $n has allocatable cpu ${seen_cpu[$n]}, the profile expects ${want_cpus[$n]}"
  [[ "$(bytes "${seen_mem[$n]}")" == "${want_mem[$n]}" ]] ||
    die "kubernetes validate: node $n has allocatable memory ${seen_mem[$n]} ($(bytes "${seen_mem[$n]}") bytes), the profile expects ${want_mem[$n]} bytes"
done

# The ServiceAccount admission plugin refuses pods until the controller-manager made the namespace's account.
sa_ready() { "${kubectl[@]}" get serviceaccount default -o name >/dev/null 2>&1; }
if ! wait_until "$VALIDATE_TIMEOUT" "the default ServiceAccount" sa_ready; then
  tail -n 20 "$ROOT/control/kube-controller-manager.log" >&2 || true
  state=running
  pid_alive "$ROOT/control/kube-controller-manager.pid" kube-controller || state="not running"
  die "kubernetes validate: the controller-manager ($state) did not create the default ServiceAccount"
fi

# kubectl's schema validation (here and at submit) fetches the apiserver's OpenAPI document within 32 s; on a slow
# machine (a VM under software emulation) the first one takes longer. One fetch without that bound warms its cache.
openapi_ready() { "${kubectl[@]}" get --raw /openapi/v2 >/dev/null 2>&1; }
wait_until "$VALIDATE_TIMEOUT" "the apiserver's OpenAPI document" openapi_ready ||
  die "kubernetes validate: the apiserver did not serve its OpenAPI document"

# The scheduler places one pod per node (nodeSelector by hostname); each must run to completion there.
"${kubectl[@]}" delete pods -l schedbench.io/validate=true --ignore-not-found --wait=true >&2
"${kubectl[@]}" create -f - >&2 <<<"$VALIDATION_PODS"
declare -A phase_of node_of
read_pods() {
  local p ph nn
  while IFS=$'\t' read -r p ph nn; do phase_of[$p]="$ph"; node_of[$p]="$nn"; done < <(
    "${kubectl[@]}" get pods -l schedbench.io/validate=true -o json 2>/dev/null |
      jq -r '.items[] | [.metadata.name, .status.phase, (.spec.nodeName // "-")] | @tsv')
}
all_done() {
  read_pods
  local n
  for n in "${names[@]}"; do
    case "${phase_of[schedbench-validate-$n]:-}" in Succeeded | Failed) ;; *) return 1 ;; esac
  done
}
if ! wait_until "$VALIDATE_TIMEOUT" "the validation pods to finish" all_done; then
  "${kubectl[@]}" get pods -o wide >&2 || true
  for n in "${names[@]}"; do
    log "node $n: pod schedbench-validate-$n is ${phase_of[schedbench-validate-$n]:-absent} on ${node_of[schedbench-validate-$n]:-no node}"
  done
  die "kubernetes validate: the validation pods did not finish within ${VALIDATE_TIMEOUT}s"
fi
"${kubectl[@]}" get pods -l schedbench.io/validate=true -o wide >&2
for n in "${names[@]}"; do
  pod="schedbench-validate-$n"
  [[ "${phase_of[$pod]}" == Succeeded ]] || die "kubernetes validate: node $n: pod $pod is ${phase_of[$pod]}, expected Succeeded"
  [[ "${node_of[$pod]}" == "$n" ]] || die "kubernetes validate: node $n: pod $pod ran on ${node_of[$pod]}, expected $n"
done
"${kubectl[@]}" delete pods -l schedbench.io/validate=true --wait=true >&2
# The apiserver's client of the kubelets may read pods' logs and exec into them (kubeadm's bootstrap binding).
"${kubectl[@]}" get clusterrolebinding kube-apiserver-kubelet-client >/dev/null 2>&1 ||
  "${kubectl[@]}" create clusterrolebinding kube-apiserver-kubelet-client --clusterrole=system:kubelet-api-admin \
    --user=kube-apiserver-kubelet-client >&2
jq -cn --arg version "$("${kubectl[@]}" version -o json | jq -r .serverVersion.gitVersion)" \
  --argjson nodes "$(printf '%s\n' "${names[@]}" | jq -R . | jq -cs .)" \
  '{kubernetesVersion:$version,nodes:$nodes,validated:true}'
