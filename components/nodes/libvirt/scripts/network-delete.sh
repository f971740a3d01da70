#!/bin/bash
# Stops and undefines the cluster's network; when it was the last schedbench network on this host, restores
# net.ipv4.ip_forward to the value recorded before the first one. Succeeds on a half-made network.
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${HOST_STATE:?host-wide state directory of the libvirt backend}"
: "${NETWORK_NAME:?libvirt network name}"

# A remote hypervisor (qemu+ssh URI): this same script runs there over SSH, its parameters carried as a
# %q-quoted prefix (the remote login shell must be bash); HV_SSH is not passed on, so it runs locally there.
if [ -n "${HV_SSH:-}" ]; then
  prefix=""
  for var in VIRSH_URI HOST_STATE NETWORK_NAME; do prefix+="$var=$(printf '%q' "${!var}") "; done
  exec ssh -o BatchMode=yes -- "$HV_SSH" "${prefix}bash -s" <<<"${BASH_EXECUTION_STRING:-$(cat "$0")}"
fi

mkdir -p "$HOST_STATE"
host_lock

if virsh -c "$VIRSH_URI" net-info "$NETWORK_NAME" >/dev/null 2>&1; then
  virsh -c "$VIRSH_URI" net-destroy "$NETWORK_NAME" >&2 2>/dev/null || true
  virsh -c "$VIRSH_URI" net-undefine "$NETWORK_NAME" >&2
fi

if [ -f "$HOST_STATE/ip_forward.before" ] &&
  ! grep -q '^schedbench-' <<<"$(virsh -c "$VIRSH_URI" net-list --all --name)"; then
  before="$(cat "$HOST_STATE/ip_forward.before")"
  printf '%s\n' "$before" >/proc/sys/net/ipv4/ip_forward
  rm -f "$HOST_STATE/ip_forward.before"
  echo "network-delete.sh: last schedbench network gone; net.ipv4.ip_forward restored to $before" >&2
fi
