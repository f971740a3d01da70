# shellcheck shell=bash
# Remove this node's part of the cluster's files (its state directory included); the last node out removes the
# cluster directory with the certificate (netns nodes share one filesystem, other backends have one copy each).
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
rm -rf "${ROOT:?}/nodes/$NODE"
if [[ ! -d "$ROOT/nodes" ]] || [[ -z "$(ls -A "$ROOT/nodes")" ]]; then
  rm -rf "${ROOT:?}"
fi
printf '{"node":"%s","removed":true}\n' "$NODE"
