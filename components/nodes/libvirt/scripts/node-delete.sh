#!/bin/bash
# Removes one VM: domain destroyed and undefined, its overlay, seed and console log deleted, its directory
# removed (and the cluster's, once empty). Succeeds on a half-made node.
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${DOMAIN:?domain name}"
: "${NODE_DIR:?directory of the overlay, seed and console log of the node}"

# A remote hypervisor (qemu+ssh URI): this same script runs there over SSH, its parameters carried as a
# %q-quoted prefix (the remote login shell must be bash); HV_SSH is not passed on, so it runs locally there.
if [ -n "${HV_SSH:-}" ]; then
  prefix=""
  for var in VIRSH_URI DOMAIN NODE_DIR; do prefix+="$var=$(printf '%q' "${!var}") "; done
  exec ssh -o BatchMode=yes -- "$HV_SSH" "${prefix}bash -s" <<<"${BASH_EXECUTION_STRING:-$(cat "$0")}"
fi

if virsh -c "$VIRSH_URI" dominfo "$DOMAIN" >/dev/null 2>&1; then
  if [ "$(virsh -c "$VIRSH_URI" domstate "$DOMAIN")" != "shut off" ]; then
    virsh -c "$VIRSH_URI" destroy "$DOMAIN" >&2
  fi
  virsh -c "$VIRSH_URI" undefine "$DOMAIN" --nvram >&2 2>/dev/null || virsh -c "$VIRSH_URI" undefine "$DOMAIN" >&2
fi
rm -f "$NODE_DIR/disk.qcow2" "$NODE_DIR/seed.iso" "$NODE_DIR/console.log"
# The node's directory, then the cluster's and `nodes/`, each only once empty.
cluster_dir="$(dirname "$NODE_DIR")"
rmdir "$NODE_DIR" "$cluster_dir" "$(dirname "$cluster_dir")" 2>/dev/null || true
