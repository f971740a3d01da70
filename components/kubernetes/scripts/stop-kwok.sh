# shellcheck shell=bash
# Tear emulation down, before the cluster's objects and daemons: while kwok still runs (it is the emulated nodes'
# kubelet), delete the benchmark's Jobs and every pod on an emulated node, and wait (bounded) until they are gone;
# then delete the emulated Nodes, stop kwok by PID and remove its files. Succeeds on a half-made cluster. Prints one
# JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${EMULATED_LABEL:?label of the emulated nodes}"
: "${STOP_TIMEOUT:=15}"
dir="$ROOT/control"
kubectl=("$BIN_DIR/bin/kubectl" --kubeconfig "$ROOT/etc/admin.conf" --request-timeout=30s)
# emulated_pods : "namespace name" of every pod bound to an emulated node.
emulated_pods() {
  local nodes
  nodes="$("${kubectl[@]}" get nodes -l "$EMULATED_LABEL=true" -o name)" || return 1
  "${kubectl[@]}" get pods -A -o json | jq -r --arg nodes "$nodes" '
    ($nodes | split("\n") | map(ltrimstr("node/")) | map({key: ., value: true}) | from_entries) as $emulated |
    .items[] | select($emulated[.spec.nodeName // ""]) | "\(.metadata.namespace) \(.metadata.name)"'
}
none_left() { [[ -z "$(emulated_pods 2>/dev/null || echo unknown)" ]]; }
if [[ -f "$ROOT/etc/admin.conf" ]] && "${kubectl[@]}" get --raw /readyz >/dev/null 2>&1; then
  "${kubectl[@]}" delete jobs --all --all-namespaces --wait=false >/dev/null || true
  # A kubectl per namespace and 500 pods, not per pod: a run leaves thousands.
  pods="$(emulated_pods || true)"
  while read -r ns; do
    [[ -z "$ns" ]] || awk -v ns="$ns" '$1 == ns { print $2 }' <<<"$pods" |
      xargs -r -n 500 "${kubectl[@]}" delete pod -n "$ns" --wait=false >/dev/null 2>&1 || true
  done < <(awk '{ print $1 }' <<<"$pods" | sort -u)
  wait_until "$((STOP_TIMEOUT * 4))" "the emulated nodes' pods to go" none_left ||
    log "pods still on emulated nodes: the cluster's drain removes them by force"
  "${kubectl[@]}" delete nodes -l "$EMULATED_LABEL=true" --wait=false >&2 || true
fi
stop_pidfile "$dir/kwok.pid" kwok "$STOP_TIMEOUT"
rm -rf --one-file-system -- "$ROOT/kwok"
rm -f -- "$ROOT/etc/kwok.conf" "$dir/kwok.log"
printf '{"kwok":"stopped"}\n'
