#!/bin/bash
# Creates one VM (idempotent): qcow2 overlay on the base image, cloud-init seed (cloud-localds), domain defined
# from DOMAIN_XML (its metadata names OWNER) and started. The seed holds the node's SSH host private key: it is made
# mode 0600 in the node's directory (root's, 0711) and removed once the guest has read it (seed-remove.sh).
# stdout: {"domain", "overlay", "seed", "state"}
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${DOMAIN:?domain name}"
: "${DOMAIN_XML:?domain definition}"
: "${NODE_DIR:?directory of the overlay, seed and console log of the node}"
: "${BASE_DISK:?base image (qcow2 or raw)}"
: "${DISK_GIB:?overlay size (GiB)}"
: "${USER_DATA:?cloud-init user-data}"
: "${META_DATA:?cloud-init meta-data}"
: "${NETWORK_CONFIG:?cloud-init network-config}"
: "${OWNER:?<cluster>@<stack> of the node}"

# A remote hypervisor (qemu+ssh URI): this same script runs there, its parameters on ssh's stdin (lib.sh).
on_hypervisor VIRSH_URI DOMAIN DOMAIN_XML NODE_DIR BASE_DISK DISK_GIB USER_DATA META_DATA NETWORK_CONFIG OWNER

[ -f "$BASE_DISK" ] || die "base image $BASE_DISK does not exist"
# Everything above the node's directory only root can change (storage.sh); nothing written through a link.
trusted_tree "$(dirname "$NODE_DIR")" schedbench:backend.storageDir
# A domain of this name made by another stack (the same clusterName) is not taken over.
if virsh -c "$VIRSH_URI" dominfo "$DOMAIN" >/dev/null 2>&1; then
  owner="$(domain_owner "$DOMAIN")"
  [ "$owner" = "$OWNER" ] || die "domain $DOMAIN exists and belongs to '${owner:-no schedbench stack}', not '$OWNER'"
fi
own_vm_dir "$NODE_DIR" "$OWNER"
# QEMU runs as libvirt's qemu user (Debian: libvirt-qemu): libvirt relabels the files, not the directories above.
if id libvirt-qemu >/dev/null 2>&1; then
  for path in "$NODE_DIR" "$(dirname "$BASE_DISK")"; do
    if ! runuser -u libvirt-qemu -- test -x "$path"; then
      die "libvirt-qemu cannot reach $path (a parent directory is not searchable, e.g. mode 0700)"
    fi
  done
fi
# The overlay holds the guest's disk (its keys, once booted), the seed the host key: root's alone (libvirt hands
# them to its qemu user while the domain runs).
umask 077
overlay="$NODE_DIR/disk.qcow2"
seed="$NODE_DIR/seed.iso"

if ! virsh -c "$VIRSH_URI" dominfo "$DOMAIN" >/dev/null 2>&1; then
  base_format="$(qemu-img info --output=json "$BASE_DISK" | jq -r .format)"
  if [ ! -f "$overlay" ]; then
    qemu-img create -q -f qcow2 -F "$base_format" -b "$BASE_DISK" "$overlay" "${DISK_GIB}G" >&2
  fi
  chmod 0600 "$overlay"
  # The seed's documents, and cloud-localds' own copies (TMPDIR), only in a 0700 directory of the node's.
  work="$(mktemp -d "$NODE_DIR/.seed.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  printf '%s' "$USER_DATA" >"$work/user-data"
  printf '%s' "$META_DATA" >"$work/meta-data"
  printf '%s' "$NETWORK_CONFIG" >"$work/network-config"
  TMPDIR="$work" cloud-localds --network-config="$work/network-config" "$work/seed.iso" "$work/user-data" "$work/meta-data"
  chmod 0600 "$work/seed.iso"
  mv -f "$work/seed.iso" "$seed"
  printf '%s' "$DOMAIN_XML" >"$work/domain.xml"
  virsh -c "$VIRSH_URI" define "$work/domain.xml" >&2
fi

state="$(virsh -c "$VIRSH_URI" domstate "$DOMAIN")"
if [ "$state" != "running" ]; then
  virsh -c "$VIRSH_URI" start "$DOMAIN" >&2
fi
jq -cn --arg d "$DOMAIN" --arg o "$overlay" --arg s "$seed" --arg st "$(virsh -c "$VIRSH_URI" domstate "$DOMAIN")" \
  '{domain: $d, overlay: $o, seed: $s, state: $st}'
