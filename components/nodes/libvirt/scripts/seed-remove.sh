#!/bin/bash
# Removes a booted VM's cloud-init seed — it holds the node's SSH host private key — once the guest no longer needs
# it: run after the node accepted SSH with its pinned host key, i.e. after its first boot applied the seed. The
# seed leaves the domain's persistent definition (later boots find none: the guest keeps what its first boot
# applied) and its file is deleted. Only for a domain whose metadata names OWNER. Idempotent.
# stdout: {"domain", "seed", "removed"}
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${DOMAIN:?domain name}"
: "${NODE_DIR:?directory of the overlay, seed and console log of the node}"
: "${OWNER:?<cluster>@<stack> of the node}"

on_hypervisor VIRSH_URI DOMAIN NODE_DIR OWNER

seed="$NODE_DIR/seed.iso"
owner="$(domain_owner "$DOMAIN")"
[ "$owner" = "$OWNER" ] || die "domain $DOMAIN belongs to '${owner:-no schedbench stack}', not '$OWNER'"
vm_dir_ours "$NODE_DIR" "$OWNER" || die "$NODE_DIR has no schedbench marker for '$OWNER'"

# The running guest keeps its open copy; the next start has no seed disk.
if awk -v seed="$seed" '$2 == seed { found = 1 } END { exit !found }' <<<"$(virsh -c "$VIRSH_URI" domblklist --inactive "$DOMAIN")"; then
  virsh -c "$VIRSH_URI" detach-disk "$DOMAIN" "$seed" --config >&2
fi
removed=false
if [ -e "$seed" ]; then
  rm -f -- "$seed"
  removed=true
fi
jq -cn --arg d "$DOMAIN" --arg s "$seed" --argjson r "$removed" '{domain: $d, seed: $s, removed: $r}'
