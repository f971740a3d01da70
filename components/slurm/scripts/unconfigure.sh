# shellcheck shell=bash
# Remove this node's part of the cluster's files; the last node out removes the cluster directory (netns nodes
# share one filesystem, other backends have one copy each). Safe to repeat.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${SPOOL_DIR:=}" # slurmd's spool of this node (unset by clusters made before it moved to the runtime directory)
rm -rf "${ROOT:?}/nodes/$NODE"
if [[ -n "$SPOOL_DIR" ]]; then
  rm -rf "${SPOOL_DIR:?}"
  # The cluster's runtime directory, then the runtime root, once nothing else is in them.
  if rmdir "${SPOOL_DIR%/*}" 2>/dev/null; then rmdir "${SPOOL_DIR%/*/*}" 2>/dev/null || true; fi
fi
if [[ -d "$ROOT/nodes" ]] && [[ -z "$(ls -A "$ROOT/nodes")" ]]; then
  rm -rf "${ROOT:?}"
elif [[ ! -d "$ROOT/nodes" ]]; then
  rm -rf "${ROOT:?}"
fi
printf '{"node":"%s","removed":true}\n' "$NODE"
