#!/usr/bin/env bash
# Deletes a netns cluster's network and per-cluster files, after its nodes. Succeeds on a half-made cluster.
set -euo pipefail
: "${CLUSTER:?}" "${BRIDGE:?}" "${STATE_ROOT:?}" "${CLUSTER_DIR:?}" "${CGROUP_PATH:?}" "${LOCK_FILE:?}"

alias_tag="schedbench:${CLUSTER}"

# The cluster's cgroup parents, one per mounted hierarchy (v2: the unified tree; v1: cpu, cpuacct, memory).
cgroup_dirs() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo "/sys/fs/cgroup/$1"
  else
    local c
    for c in cpu cpuacct memory; do
      [[ -d /sys/fs/cgroup/$c ]] && echo "/sys/fs/cgroup/$c/$1"
    done
  fi
}

mkdir -p "$(dirname "$LOCK_FILE")"
exec 9>>"$LOCK_FILE"
flock -w 60 9 || {
  echo "bridge-delete ${CLUSTER}: host lock ${LOCK_FILE} still held after 60 s" >&2
  exit 1
}

if [[ -e /sys/class/net/$BRIDGE ]]; then
  owner=$(cat "/sys/class/net/$BRIDGE/ifalias")
  if [[ $owner == "$alias_tag" ]]; then
    ip link del dev "$BRIDGE"
  else
    echo "bridge-delete ${CLUSTER}: leaving ${BRIDGE}, it belongs to '${owner}'" >&2
  fi
fi

status=0
while read -r dir; do
  # The last node-delete usually removed the cluster's cgroup already; the shared parent is still to check.
  if [[ -d $dir ]] && ! rmdir "$dir"; then
    echo "bridge-delete ${CLUSTER}: cgroup ${dir} still has nodes: $(find "$dir" -mindepth 1 -maxdepth 1 -type d)" >&2
    status=1
  fi
  parent=$(dirname "$dir")
  [[ -d $parent ]] && { rmdir "$parent" 2>/dev/null || true; } # the shared schedbench/, when no other cluster uses it
done < <(cgroup_dirs "$CGROUP_PATH")

# The marker proves the directory is this cluster's, so removing it whole can never hit anything else.
if [[ -f $CLUSTER_DIR/.schedbench-netns && $(cat "$CLUSTER_DIR/.schedbench-netns") == "$CLUSTER" ]]; then
  rm -rf "$CLUSTER_DIR"
elif [[ -e $CLUSTER_DIR ]]; then
  echo "bridge-delete ${CLUSTER}: leaving ${CLUSTER_DIR}, it has no schedbench marker for this cluster" >&2
fi
rmdir "$STATE_ROOT" 2>/dev/null || true # only when no other cluster keeps state there

printf '{"cluster":"%s","bridge":"%s","deleted":%s}\n' "$CLUSTER" "$BRIDGE" "$([[ $status == 0 ]] && echo true || echo false)"
exit "$status"
