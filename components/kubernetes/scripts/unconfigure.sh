# shellcheck shell=bash
# Remove this node's directory (configuration, kubelet and containerd state); its daemons are stopped already.
# Refuses while something is still mounted below it. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${NODE_DIR:?directory of this node}"
: "${RUN_DIR:=$NODE_DIR}" # runtime directory (clusters made before it existed had none of their own)
for dir in "$RUN_DIR" "$NODE_DIR"; do
  unmount_under "$dir"
  if findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1 { found = 1 } END { exit !found }'; then
    die "kubernetes unconfigure: node $NODE: mounts remain under $dir"
  fi
  rm -rf --one-file-system -- "$dir"
  # Its parent (the cluster's nodes/ or runtime directory), then that one's (the runtime root), once empty.
  if rmdir "$(dirname "$dir")" 2>/dev/null; then rmdir "$(dirname "$(dirname "$dir")")" 2>/dev/null || true; fi
done
printf '{"node":"%s","unconfigured":true}\n' "$NODE"
