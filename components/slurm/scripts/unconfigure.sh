# shellcheck shell=bash
# Remove this node's part of the cluster's files; the last node out removes the cluster directory (netns nodes
# share one filesystem, other backends have one copy each). Safe to repeat.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
rm -rf "${ROOT:?}/nodes/$NODE"
if [[ -d "$ROOT/nodes" ]] && [[ -z "$(ls -A "$ROOT/nodes")" ]]; then
  rm -rf "${ROOT:?}"
elif [[ ! -d "$ROOT/nodes" ]]; then
  rm -rf "${ROOT:?}"
fi
printf '{"node":"%s","removed":true}\n' "$NODE"
