# shellcheck shell=bash
# Remove this node's directory (configuration, kubelet and containerd state); its daemons are stopped already.
# Refuses while something is still mounted below it. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
unmount_under "$NODE_DIR"
if findmnt -rn -o TARGET | awk -v d="$NODE_DIR" 'index($0, d "/") == 1 { found = 1 } END { exit !found }'; then
  die "kubernetes unconfigure: node $NODE: mounts remain under $NODE_DIR"
fi
rm -rf --one-file-system -- "$NODE_DIR"
rmdir "$(dirname "$NODE_DIR")" 2>/dev/null || true
printf '{"node":"%s","unconfigured":true}\n' "$NODE"
