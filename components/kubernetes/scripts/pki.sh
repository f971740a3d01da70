# shellcheck shell=bash
# Make the cluster's PKI and kubeconfigs with kubeadm's offline phases on the first node (idempotent: kubeadm
# keeps certificates that exist), a client kubeconfig for every node's kubelet (system:node:<name>), and every
# kubelet's serving certificate, signed by the cluster CA for the node's name and address: whoever asks a kubelet
# (the apiserver, the scheduler sampler) checks it against the CA instead of trusting any certificate.
# NODES: one "<name> <address>" a line. Prints one JSON line, a Pulumi secret:
# {admin, ca, kubelets: {<node>: kubeconfig}, serving: {<node>: {cert, key}}}. The CA's key stays on this node.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${KUBEADM_CONFIG:?kubeadm configuration}"
: "${NODES:?nodes, one \"<name> <address>\" a line}"
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
serving="$ROOT/etc/serving.jsonl"
: >"$kubelets"
: >"$serving"
install -d -m 0700 "$ROOT/pki/kubelets"
# serving_cert NODE ADDRESS : the kubelet's serving key and certificate in pki/kubelets/ (kept once made for this
# name and address), ECDSA P-256, a year, for serverAuth only.
serving_cert() {
  local node="$1" address="$2" crt="$ROOT/pki/kubelets/$1.crt" key="$ROOT/pki/kubelets/$1.key"
  local san="IP:$address,DNS:$node" names=''
  [[ -s "$crt" && -s "$key" ]] && names="$(openssl x509 -in "$crt" -noout -ext subjectAltName 2>/dev/null || true)"
  [[ "$names" != *"IP Address:$address, DNS:$node"* ]] || return 0
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$key" \
    -subj "/O=system:nodes/CN=system:node:$node" 2>/dev/null |
    openssl x509 -req -CA "$ROOT/pki/ca.crt" -CAkey "$ROOT/pki/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
      -days 365 -out "$crt" -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n' "$san") \
      2>/dev/null || die "kubernetes pki: could not sign the serving certificate of node $node ($san)"
}
while read -r node address; do
  [[ -n "$node" ]] || continue
  [[ -n "${address:-}" ]] || die "kubernetes pki: node $node has no address in NODES"
  serving_cert "$node" "$address"
  jq -cn --arg n "$node" --rawfile cert "$ROOT/pki/kubelets/$node.crt" --rawfile key "$ROOT/pki/kubelets/$node.key" \
    '{($n): {cert: $cert, key: $key}}' >>"$serving"
  kc="$("$kubeadm" kubeconfig user --config "$config" --client-name "system:node:$node" --org system:nodes 2>/dev/null)" ||
    die "kubernetes pki: kubeadm could not make the kubeconfig of node $node"
  printf '%s' "$kc" | jq -cRs --arg n "$node" '{($n): .}' >>"$kubelets"
done <<<"$NODES"
jq -cn --rawfile admin "$ROOT/etc/admin.conf" --rawfile ca "$ROOT/pki/ca.crt" --slurpfile kubelets "$kubelets" \
  --slurpfile serving "$serving" '{admin:$admin,ca:$ca,kubelets:($kubelets | add // {}),serving:($serving | add // {})}'
rm -f "$kubelets" "$serving"
