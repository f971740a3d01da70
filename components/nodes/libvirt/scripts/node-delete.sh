#!/bin/bash
# Removes one VM: domain destroyed and undefined, its directory (overlay, seed, console log) deleted, and the
# cluster's directory once empty. Only what is this node's: a domain whose metadata names OWNER, a directory whose
# marker does; another stack's of the same name is left alone. Succeeds on a half-made node.
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${DOMAIN:?domain name}"
: "${NODE_DIR:?directory of the overlay, seed and console log of the node}"
: "${OWNER:?<cluster>@<stack> of the node}"

# A remote hypervisor (qemu+ssh URI): this same script runs there, its parameters on ssh's stdin (lib.sh).
on_hypervisor VIRSH_URI DOMAIN NODE_DIR OWNER

deleted=true
if virsh -c "$VIRSH_URI" dominfo "$DOMAIN" >/dev/null 2>&1; then
  owner="$(domain_owner "$DOMAIN")"
  if [ "$owner" != "$OWNER" ]; then
    log "leaving domain $DOMAIN: it belongs to '${owner:-no schedbench stack}', not '$OWNER'"
    deleted=false
  else
    if [ "$(virsh -c "$VIRSH_URI" domstate "$DOMAIN")" != "shut off" ]; then
      virsh -c "$VIRSH_URI" destroy "$DOMAIN" >&2
    fi
    virsh -c "$VIRSH_URI" undefine "$DOMAIN" --nvram >&2 2>/dev/null || virsh -c "$VIRSH_URI" undefine "$DOMAIN" >&2
  fi
fi
# The marker proves the directory is this node's (and stack's), and only root can change the directories above it:
# removing it whole can hit nothing else.
if trusted_dir "$(dirname "$NODE_DIR")" && vm_dir_ours "$NODE_DIR" "$OWNER"; then
  rm -rf --one-file-system -- "$NODE_DIR"
elif [ -e "$NODE_DIR" ] || [ -L "$NODE_DIR" ]; then
  log "leaving $NODE_DIR: it has no schedbench marker for '$OWNER'"
  deleted=false
fi
# The cluster's directory and `nodes/`, each only once empty.
cluster_dir="$(dirname "$NODE_DIR")"
rmdir "$cluster_dir" "$(dirname "$cluster_dir")" 2>/dev/null || true
jq -cn --arg d "$DOMAIN" --argjson deleted "$deleted" '{domain: $d, deleted: $deleted}'
