#!/bin/bash
# Stops and undefines the cluster's network — only when its metadata names OWNER; another stack's of the same name
# is left alone. When it was the last schedbench network on this host, restores net.ipv4.ip_forward to the value
# recorded before the first one. Succeeds on a half-made network.
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${HOST_STATE:?host-wide state directory of the libvirt backend}"
: "${NETWORK_NAME:?libvirt network name}"
: "${OWNER:?<cluster>@<stack> of the network}"

# A remote hypervisor (qemu+ssh URI): this same script runs there, its parameters on ssh's stdin (lib.sh).
on_hypervisor VIRSH_URI HOST_STATE NETWORK_NAME OWNER

trusted_tree "$HOST_STATE" schedbench:backend.storageDir
host_lock

if virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" >/dev/null 2>&1; then
  owner="$(network_owner "$NETWORK_NAME")"
  if [ "$owner" = "$OWNER" ]; then
    virsh -c "$VIRSH_URI" net-destroy "$NETWORK_NAME" >&2 2>/dev/null || true
    virsh -c "$VIRSH_URI" net-undefine "$NETWORK_NAME" >&2
  else
    log "leaving network $NETWORK_NAME: it belongs to '${owner:-no schedbench stack}', not '$OWNER'"
  fi
fi

if [ -f "$HOST_STATE/ip_forward.before" ] &&
  ! grep -q '^schedbench-' <<<"$(virsh -c "$VIRSH_URI" net-list --all --name)"; then
  before="$(cat "$HOST_STATE/ip_forward.before")"
  printf '%s\n' "$before" >/proc/sys/net/ipv4/ip_forward
  rm -f "$HOST_STATE/ip_forward.before"
  echo "network-delete.sh: last schedbench network gone; net.ipv4.ip_forward restored to $before" >&2
fi
