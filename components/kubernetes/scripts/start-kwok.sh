# shellcheck shell=bash
# Emulated execution (docs/scale.md), on the first node once the cluster's objects exist: start one kwok
# (sigs.k8s.io/kwok) as the user KWOK_USER (a client certificate of the cluster CA, in a 0600 kubeconfig), create
# the NODE_COUNT emulated Nodes it manages (NODE_TEMPLATE, named by NODE_NAME_FORMAT; only those missing:
# idempotent), wait until every one is Ready and schedulable, then validate the stages end to end: a pod on the
# first, a middle and the last emulated node runs VALIDATE_SECONDS and succeeds, another exits with code 3 — the
# times and codes from their annotations, as a benchmark pod's. A failure names the node, the pod and what was
# seen. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${KWOK_BIN:?the kwok binary}"
: "${KWOK_ARGS:?kwok flags, one a line}"
: "${KWOK_STAGES:?the stages file of kwok (YAML)}"
: "${KWOK_USER:?the user kwok acts as}"
: "${NODE_TEMPLATE:?the Node object of an emulated node (JSON)}"
: "${NODE_COUNT:?how many emulated nodes}"
: "${NODE_NAME_FORMAT:?printf pattern of the emulated nodes names}"
: "${EMULATED_LABEL:?label of the emulated nodes}"
: "${START_TIMEOUT:=300}"
: "${VALIDATE_TIMEOUT:=180}"
: "${VALIDATE_SECONDS:=2}"
dir="$ROOT/control"
work="$ROOT/kwok"
kubectl=("$BIN_DIR/bin/kubectl" --kubeconfig "$ROOT/etc/admin.conf" --request-timeout=60s)
install -d -m 0700 "$dir" "$work"

# kwok's identity: made once from the cluster CA (the key goes to a 0600 file, never into an argv).
conf="$ROOT/etc/kwok.conf"
if [[ ! -s "$conf" ]]; then
  kc="$("$BIN_DIR/bin/kubeadm" kubeconfig user --config "$ROOT/etc/kubeadm.yaml" --client-name "$KWOK_USER" 2>/dev/null)" ||
    die "kubernetes emulation: kubeadm could not make the kubeconfig of $KWOK_USER"
  write_file "$conf" 0600 <<<"$kc"
fi
printf '%s\n' "$KWOK_STAGES" | write_file "$work/stages.yaml" 0600

# The daemon: its own work directory (kwok reads <workdir>/kwok.yaml first: never the user's ~/.kwok).
mapfile -t args <<<"$KWOK_ARGS"
export KWOK_WORKDIR="$work"
start_daemon "$dir/kwok.pid" kwok "$dir/kwok.log" "$KWOK_BIN" --kubeconfig "$conf" --config "$work/stages.yaml" "${args[@]}"
# kwok_up : kwok runs, else its log's end and the stage fails (a wait for its nodes or pods would be in vain).
kwok_up() {
  pid_alive "$dir/kwok.pid" kwok && return 0
  tail -n 20 "$dir/kwok.log" >&2 || true
  die "kubernetes emulation: kwok exited (its log: $dir/kwok.log)"
}
# (Until setsid has exec'd it, the pid is a shell's.)
wait_until 10 "kwok to start" pid_alive "$dir/kwok.pid" kwok || kwok_up

# The nodes that are missing, in Lists of 500 (one request each).
declare -A have=()
while read -r name; do [[ -z "$name" ]] || have[${name#node/}]=1; done < <(
  "${kubectl[@]}" get nodes -l "$EMULATED_LABEL=true" -o name)
missing=()
for ((i = 1; i <= NODE_COUNT; i++)); do
  # shellcheck disable=SC2059 # the pattern is the parameter
  printf -v name "$NODE_NAME_FORMAT" "$i"
  [[ -n "${have[$name]:-}" ]] || missing+=("$name")
done
for ((i = 0; i < ${#missing[@]}; i += 500)); do
  printf '%s\n' "${missing[@]:i:500}" |
    jq -Rn --argjson node "$NODE_TEMPLATE" \
      '{apiVersion: "v1", kind: "List", items: [inputs | . as $n | $node | .metadata.name = $n
        | .metadata.labels["kubernetes.io/hostname"] = $n]}' |
    "${kubectl[@]}" create -f - >/dev/null
done
log "emulated nodes: ${#missing[@]} created, $((NODE_COUNT - ${#missing[@]})) there before"

# Ready and schedulable: kwok initialised each, and the controller-manager took its not-ready taint off. Asked at
# most every 2 s (a list of thousands of nodes is megabytes).
ready_count=0
nodes_ready() {
  kwok_up
  ((ready_count == 0)) || sleep 2
  ready_count="$("${kubectl[@]}" get nodes -l "$EMULATED_LABEL=true" -o json 2>/dev/null | jq '[.items[]
    | select(([.status.conditions[]? | select(.type == "Ready") | .status][0] // "") == "True")
    | select([.spec.taints[]? | select(.key | startswith("node.kubernetes.io/"))] | length == 0)] | length')" ||
    ready_count=0
  ((ready_count == NODE_COUNT))
}
ready_count=0
if ! wait_until "$START_TIMEOUT" "$NODE_COUNT emulated nodes to be Ready" nodes_ready; then
  tail -n 20 "$dir/kwok.log" >&2 || true
  die "kubernetes emulation: $ready_count of $NODE_COUNT emulated nodes are Ready and schedulable after $START_TIMEOUT s (schedbench:kubernetes.startTimeoutSeconds)"
fi

# Validation: pods placed on emulated nodes by the scheduler, run and ended by kwok's stages.
# shellcheck disable=SC2059 # the pattern is the parameter
{
  printf -v first "$NODE_NAME_FORMAT" 1
  printf -v middle "$NODE_NAME_FORMAT" "$(((NODE_COUNT + 1) / 2))"
  printf -v last "$NODE_NAME_FORMAT" "$NODE_COUNT"
}
checks=("ok-$first $first 0" "ok-$last $last 0" "fail-$middle $middle 3")
pods="$(for c in "${checks[@]}"; do
  read -r pod node code <<<"$c"
  jq -cn --arg pod "schedbench-emulate-$pod" --arg node "$node" --arg code "$code" --arg s "$VALIDATE_SECONDS" '{
    apiVersion: "v1", kind: "Pod",
    metadata: {name: $pod, namespace: "default", labels: {"schedbench.io/validate-emulation": "true"},
      annotations: ({"schedbench.io/emulated-seconds": $s}
        + (if $code == "0" then {} else {"schedbench.io/emulated-exit-code": $code} end))},
    spec: {restartPolicy: "Never", automountServiceAccountToken: false, terminationGracePeriodSeconds: 0,
      nodeSelector: {"kubernetes.io/hostname": $node},
      containers: [{name: "job", image: "schedbench.local/emulated", imagePullPolicy: "Never",
        resources: {requests: {cpu: "1", memory: "16Mi"}, limits: {cpu: "1", memory: "16Mi"}}}]}}'
done | jq -s '{apiVersion: "v1", kind: "List", items: .}')"
"${kubectl[@]}" delete pods -n default -l schedbench.io/validate-emulation=true --ignore-not-found --wait=true >&2
"${kubectl[@]}" create -f - >&2 <<<"$pods"
# name phase node exitCode elapsedSeconds, one line per validation pod
report=''
read_pods() {
  report="$("${kubectl[@]}" get pods -n default -l schedbench.io/validate-emulation=true -o json | jq -r '.items[] |
    (.status.containerStatuses[0].state.terminated // {}) as $t |
    [.metadata.name, .status.phase, (.spec.nodeName // "-"), ($t.exitCode // "-"),
     (if $t.finishedAt then (($t.finishedAt | fromdate) - ($t.startedAt | fromdate)) else "-" end)] | @tsv')"
}
pods_done() {
  kwok_up
  read_pods || return 1
  [[ "$(awk -F'\t' '$2 == "Succeeded" || $2 == "Failed"' <<<"$report" | wc -l)" == "${#checks[@]}" ]]
}
if ! wait_until "$VALIDATE_TIMEOUT" "the emulation's validation pods to end" pods_done; then
  log "validation pods (name phase node exit elapsed): ${report//$'\n'/; }"
  die "kubernetes emulation: the validation pods did not end within ${VALIDATE_TIMEOUT}s (kwok log: $dir/kwok.log)"
fi
for c in "${checks[@]}"; do
  read -r pod node code <<<"$c"
  line="$(awk -F'\t' -v p="schedbench-emulate-$pod" '$1 == p' <<<"$report")"
  IFS=$'\t' read -r _ phase on exit_code elapsed <<<"$line"
  want=Succeeded
  [[ "$code" == 0 ]] || want=Failed
  [[ "$phase" == "$want" && "$on" == "$node" && "$exit_code" == "$code" ]] ||
    die "kubernetes emulation: pod schedbench-emulate-$pod is $phase on $on with exit code $exit_code; expected $want on $node with $code"
  # The stages count from the pod's start (whole seconds, so a second less at worst); a busy kwok may end it late. A
  # duration kwok could not read would end it at once: that is what this catches.
  ((elapsed >= VALIDATE_SECONDS - 1 && elapsed <= VALIDATE_SECONDS + 10)) ||
    die "kubernetes emulation: pod schedbench-emulate-$pod ran ${elapsed}s on $on, expected ${VALIDATE_SECONDS}s (kwok stages: $work/stages.yaml)"
done
"${kubectl[@]}" delete pods -n default -l schedbench.io/validate-emulation=true --wait=true --timeout="${VALIDATE_TIMEOUT}s" >&2
jq -cn --argjson nodes "$NODE_COUNT" --arg version "$("$KWOK_BIN" --version 2>/dev/null | awk '{print $3}')" \
  '{kwok:"up",nodes:$nodes,kwokVersion:$version,validated:true}'
