#!/bin/bash
# Defines and starts the cluster's NAT network (idempotent); its metadata names OWNER. Starting a NAT network turns
# on net.ipv4.ip_forward: its value before the first schedbench network is recorded for network-delete.sh.
# stdout: {"network": name, "bridge": name, "ipForwardBefore": "0"|"1"}
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${HOST_STATE:?host-wide state directory of the libvirt backend}"
: "${NETWORK_NAME:?libvirt network name}"
: "${NETWORK_XML:?network definition}"
: "${OWNER:?<cluster>@<stack> of the network}"

# A remote hypervisor (qemu+ssh URI): this same script runs there, its parameters on ssh's stdin (lib.sh).
on_hypervisor VIRSH_URI HOST_STATE NETWORK_NAME NETWORK_XML OWNER

trusted_tree "$HOST_STATE" schedbench:backend.storageDir
host_lock

# A network of this name made by another stack (the same clusterName) is not taken over.
if virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" >/dev/null 2>&1; then
  owner="$(network_owner "$NETWORK_NAME")"
  [ "$owner" = "$OWNER" ] || die "network $NETWORK_NAME exists and belongs to '${owner:-no schedbench stack}', not '$OWNER'"
fi

if [ ! -f "$HOST_STATE/ip_forward.before" ]; then
  cat /proc/sys/net/ipv4/ip_forward >"$HOST_STATE/ip_forward.before"
fi

if ! virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" >/dev/null 2>&1; then
  xml="$(mktemp "$HOST_STATE/.network.XXXXXX")"
  trap 'rm -f "$xml"' EXIT
  printf '%s' "$NETWORK_XML" >"$xml"
  virsh -c "$VIRSH_URI" net-define "$xml" >&2
fi
if [ "$(virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" | awk '/^Active:/ {print $2}')" != "yes" ]; then
  virsh -c "$VIRSH_URI" net-start "$NETWORK_NAME" >&2
fi
bridge="$(virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" | awk '/^Bridge:/ {print $2}')"
jq -cn --arg n "$NETWORK_NAME" --arg b "$bridge" --arg f "$(cat "$HOST_STATE/ip_forward.before")" \
  '{network: $n, bridge: $b, ipForwardBefore: $f}'
