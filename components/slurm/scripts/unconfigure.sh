# shellcheck shell=bash
# Remove this machine's part of the cluster's files — the directory and spool of each slurmd it ran (its own node's,
# or a block of emulated nodes') — and the last machine out removes the cluster directory (netns nodes share one
# filesystem, other backends have one copy each). Safe to repeat.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${RUN_DIR:?runtime directory of the cluster}"
: "${SLURMDS:=$NODE}"
read -r -a slurmds <<<"$SLURMDS"
for name in "${slurmds[@]}"; do rm -rf "${ROOT:?}/nodes/$name" "${RUN_DIR:?}/$name"; done
# The cluster's runtime directory, then the runtime root, once nothing else is in them.
if rmdir "$RUN_DIR" 2>/dev/null; then rmdir "${RUN_DIR%/*}" 2>/dev/null || true; fi
if [[ -d "$ROOT/nodes" ]] && [[ -z "$(ls -A "$ROOT/nodes")" ]]; then
  rm -rf "${ROOT:?}"
elif [[ ! -d "$ROOT/nodes" ]]; then
  rm -rf "${ROOT:?}"
fi
printf '{"node":"%s","removed":true}\n' "$NODE"
