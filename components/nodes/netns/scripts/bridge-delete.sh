#!/usr/bin/env bash
# Deletes a netns cluster's network and per-cluster files, after its nodes. Succeeds on a half-made cluster.
set -euo pipefail
: "${CLUSTER:?}" "${BRIDGE:?}" "${STATE_ROOT:?}" "${CLUSTER_DIR:?}" "${CGROUP_PATH:?}" "${LOCK_FILE:?}" "${STACK:?}"
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_SUBJECT=$CLUSTER

alias_tag="schedbench:${CLUSTER}@${STACK}"

take_host_lock

# A bridge or directory of another stack under the same cluster name: none of it is ours, so nothing is touched
# (not even the cgroups, which carry only the cluster name).
if [[ -e /sys/class/net/$BRIDGE ]]; then
  owner=$(cat "/sys/class/net/$BRIDGE/ifalias")
  [[ $owner == "$alias_tag" ]] || foreign="bridge ${BRIDGE} belongs to '${owner}'"
fi
if [[ -f $CLUSTER_DIR/.schedbench-netns ]] && ! marked "$CLUSTER_DIR" .schedbench-netns "$CLUSTER@$STACK"; then
  foreign="${CLUSTER_DIR} belongs to '$(<"$CLUSTER_DIR/.schedbench-netns")'"
fi
if [[ -n ${foreign:-} ]]; then
  log "leaving everything of cluster ${CLUSTER}: ${foreign}, not ${alias_tag}"
  printf '{"cluster":"%s","bridge":"%s","deleted":false,"foreign":true}\n' "$CLUSTER" "$BRIDGE"
  exit 0
fi
drop_bridge_forwarding "$alias_tag"
[[ -e /sys/class/net/$BRIDGE ]] && ip link del dev "$BRIDGE"

status=0
while read -r dir; do
  # The last node-delete usually removed the cluster's cgroup already; the shared parent is still to check.
  if [[ -d $dir ]] && ! rmdir "$dir"; then
    log "cgroup ${dir} still has nodes: $(find "$dir" -mindepth 1 -maxdepth 1 -type d)"
    status=1
  fi
  parent=$(dirname "$dir")
  [[ -d $parent ]] && { rmdir "$parent" 2>/dev/null || true; } # the shared schedbench/, when no other cluster uses it
done < <(cgroup_dirs "$CGROUP_PATH")

# The marker proves the directory is this cluster's (and stack's), so removing it whole can never hit anything else.
if marked "$CLUSTER_DIR" .schedbench-netns "$CLUSTER@$STACK"; then
  rm -rf --one-file-system -- "$CLUSTER_DIR"
elif [[ -e $CLUSTER_DIR || -L $CLUSTER_DIR ]]; then
  log "leaving ${CLUSTER_DIR}, it has no schedbench marker for this cluster and stack"
fi
# The state root goes only when schedbench made it and no other cluster keeps state there.
if marked "$STATE_ROOT" "$STATE_MARKER" "" && [[ $(ls -A -- "$STATE_ROOT") == "$STATE_MARKER" ]]; then
  rm -f -- "${STATE_ROOT:?}/$STATE_MARKER"
  rmdir -- "$STATE_ROOT" 2>/dev/null || true
fi

printf '{"cluster":"%s","bridge":"%s","deleted":%s}\n' "$CLUSTER" "$BRIDGE" "$([[ $status == 0 ]] && echo true || echo false)"
exit "$status"
