# shellcheck shell=bash
# Write this node's configuration: containerd, kubelet, CNI, the kubelet's kubeconfig, its serving certificate and
# key, and the cluster CA (from stdin, a Pulumi secret: {"kubeconfig", "ca", "servingCert", "servingKey"}).
# Idempotent. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
: "${RUN_DIR:?runtime directory of this node (sockets, the kubelet root)}"
: "${CONTAINERD_CONFIG:?containerd configuration}"
: "${KUBELET_CONFIG:?kubelet configuration}"
: "${CNI_CONFIG:?CNI configuration}"
secret="$(cat)"
jq -e '.kubeconfig and .ca and .servingCert and .servingKey' >/dev/null <<<"$secret" ||
  die "kubernetes configure: no kubeconfig, ca, servingCert and servingKey on stdin"
install -d -m 0755 "$NODE_DIR" "$NODE_DIR/cni/net.d" "$NODE_DIR/cni/ipam" "$NODE_DIR/pod-logs" "$NODE_DIR/log"
install -d -m 0711 "$NODE_DIR/containerd"
install -d -m 0755 "${RUN_DIR%/*}" "$RUN_DIR"
# Each file whole or not at all (the stage library's write_file); the kubeconfig readable by root only, at once.
write_file "$NODE_DIR/containerd.toml" 0644 <<<"$CONTAINERD_CONFIG"
write_file "$NODE_DIR/kubelet.yaml" 0644 <<<"$KUBELET_CONFIG"
write_file "$NODE_DIR/cni/net.d/10-schedbench.conflist" 0644 <<<"$CNI_CONFIG"
kubeconfig="$(jq -r .kubeconfig <<<"$secret")"
write_file "$NODE_DIR/kubelet.kubeconfig" 0600 <<<"$kubeconfig"
ca="$(jq -r .ca <<<"$secret")"
write_file "$NODE_DIR/ca.crt" 0644 <<<"$ca"
install -d -m 0700 "$NODE_DIR/kubelet-pki"
serving_key="$(jq -r .servingKey <<<"$secret")"
write_file "$NODE_DIR/kubelet-pki/serving.key" 0600 <<<"$serving_key"
serving_cert="$(jq -r .servingCert <<<"$secret")"
write_file "$NODE_DIR/kubelet-pki/serving.crt" 0644 <<<"$serving_cert"
printf '{"node":"%s","configured":true}\n' "$NODE"
