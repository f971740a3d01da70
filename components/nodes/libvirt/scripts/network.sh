#!/bin/bash
# Defines and starts the cluster's NAT network (idempotent). Starting a NAT network turns on
# net.ipv4.ip_forward: its value before the first schedbench network is recorded for network-delete.sh.
# stdout: {"network": name, "bridge": name, "ipForwardBefore": "0"|"1"}
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${HOST_STATE:?host-wide state directory of the libvirt backend}"
: "${NETWORK_NAME:?libvirt network name}"
: "${NETWORK_XML:?network definition}"

# A remote hypervisor (qemu+ssh URI): this same script runs there over SSH, its parameters carried as a
# %q-quoted prefix (the remote login shell must be bash); HV_SSH is not passed on, so it runs locally there.
if [ -n "${HV_SSH:-}" ]; then
  prefix=""
  for var in VIRSH_URI HOST_STATE NETWORK_NAME NETWORK_XML; do prefix+="$var=$(printf '%q' "${!var}") "; done
  exec ssh -o BatchMode=yes -- "$HV_SSH" "${prefix}bash -s" <<<"${BASH_EXECUTION_STRING:-$(cat "$0")}"
fi

mkdir -p "$HOST_STATE"
host_lock

if [ ! -f "$HOST_STATE/ip_forward.before" ]; then
  cat /proc/sys/net/ipv4/ip_forward >"$HOST_STATE/ip_forward.before"
fi

if ! virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" >/dev/null 2>&1; then
  xml="$(mktemp)"
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
