# shellcheck shell=bash
# Start this node's own containerd (own root, state and socket; idempotent: a live one is left alone) and import
# the cluster's images into its k8s.io namespace (imported once; pods never pull). Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
: "${RUN_DIR:?runtime directory of this node}"
: "${BIN_DIR:?directory with the binaries}"
: "${IMAGES_DIR:?directory with the image archives}"
: "${START_TIMEOUT:=60}"
socket="$RUN_DIR/cd.sock"
ctr=("$BIN_DIR/bin/ctr" --address "$socket" --namespace k8s.io)
# The shim and runc are found on PATH; the CNI plugins by the configuration.
start_daemon "$NODE_DIR/containerd.pid" containerd "$NODE_DIR/log/containerd.log" \
  env PATH="$BIN_DIR/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$BIN_DIR/bin/containerd" --config "$NODE_DIR/containerd.toml"
answers() { "${ctr[@]}" version >/dev/null 2>&1; }
wait_until "$START_TIMEOUT" "containerd of $NODE to answer on $socket" answers ||
  { tail -n 30 "$NODE_DIR/log/containerd.log" >&2 || true; die "kubernetes: containerd of node $NODE did not start"; }

imported='{}'
for kind in pause workload; do
  ref="$(jq -r ".$kind.ref" "$IMAGES_DIR/images.json")"
  archive="$IMAGES_DIR/$(jq -r ".$kind.archive" "$IMAGES_DIR/images.json")"
  if ! grep -qxF -- "$ref" <<<"$("${ctr[@]}" images ls -q)"; then
    log "importing $ref"
    "${ctr[@]}" images import --snapshotter overlayfs "$archive" >&2
  fi
  digest="$("${ctr[@]}" images ls | awk -v r="$ref" '$1 == r { print $3 }')"
  [[ -n "$digest" ]] || die "kubernetes: node $NODE: image $ref not in containerd after import"
  imported="$(jq -c --arg r "$ref" --arg d "$digest" '. + {($r): $d}' <<<"$imported")"
done
jq -cn --arg node "$NODE" --argjson pid "$(<"$NODE_DIR/containerd.pid")" --argjson images "$imported" \
  --arg version "$("$BIN_DIR/bin/containerd" --version | awk '{print $3}')" \
  '{node:$node,containerd:"up",pid:$pid,version:$version,images:$images}'
