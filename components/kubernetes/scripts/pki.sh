# shellcheck shell=bash
# Make the cluster's PKI and kubeconfigs with kubeadm's offline phases on the first node (idempotent: kubeadm
# keeps certificates that exist), and a client kubeconfig for every node's kubelet (system:node:<name>).
# Prints one JSON line, a Pulumi secret: {admin, ca, kubelets: {<node>: kubeconfig}}. Keys stay on this node.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${KUBEADM_CONFIG:?kubeadm configuration}"
: "${NODES:?node names, one a line}"
kubeadm="$BIN_DIR/bin/kubeadm"
install -d -m 0700 "$ROOT/pki" "$ROOT/etc"
umask 077
config="$ROOT/etc/kubeadm.yaml"
printf '%s\n' "$KUBEADM_CONFIG" >"$config"
"$kubeadm" init phase certs all --config "$config" >&2
# super-admin (system:masters) only binds kubeadm's admin group to cluster-admin, as `kubeadm init` does.
for kc in admin super-admin controller-manager scheduler; do
  "$kubeadm" init phase kubeconfig "$kc" --config "$config" --kubeconfig-dir "$ROOT/etc" >&2
done
# Each kubelet's kubeconfig (its client key) goes to jq on stdin and through a 0600 file in the 0700 etc/, never in
# an argv: /proc/<pid>/cmdline is world-readable.
kubelets="$ROOT/etc/kubelets.jsonl"
: >"$kubelets"
while read -r node; do
  [[ -n "$node" ]] || continue
  kc="$("$kubeadm" kubeconfig user --config "$config" --client-name "system:node:$node" --org system:nodes 2>/dev/null)" ||
    die "kubernetes pki: kubeadm could not make the kubeconfig of node $node"
  printf '%s' "$kc" | jq -cRs --arg n "$node" '{($n): .}' >>"$kubelets"
done <<<"$NODES"
jq -cn --rawfile admin "$ROOT/etc/admin.conf" --rawfile ca "$ROOT/pki/ca.crt" --slurpfile kubelets "$kubelets" \
  '{admin:$admin,ca:$ca,kubelets:($kubelets | add // {})}'
rm -f "$kubelets"
