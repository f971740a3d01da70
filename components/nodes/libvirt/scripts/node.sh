#!/bin/bash
# Creates one VM (idempotent): qcow2 overlay on the base image, cloud-init seed (cloud-localds), domain defined
# from DOMAIN_XML and started. stdout: {"domain", "overlay", "seed", "state"}
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

# A remote hypervisor (qemu+ssh URI): this same script runs there over SSH, its parameters carried as a
# %q-quoted prefix (the remote login shell must be bash); HV_SSH is not passed on, so it runs locally there.
if [ -n "${HV_SSH:-}" ]; then
  prefix=""
  for var in VIRSH_URI DOMAIN DOMAIN_XML NODE_DIR BASE_DISK DISK_GIB USER_DATA META_DATA NETWORK_CONFIG; do prefix+="$var=$(printf '%q' "${!var}") "; done
  exec ssh -o BatchMode=yes -- "$HV_SSH" "${prefix}bash -s" <<<"${BASH_EXECUTION_STRING:-$(cat "$0")}"
fi

[ -f "$BASE_DISK" ] || { echo "node.sh: base image $BASE_DISK does not exist" >&2; exit 1; }
mkdir -p "$NODE_DIR"
chmod 0755 "$NODE_DIR"
# QEMU runs as libvirt's qemu user (Debian: libvirt-qemu): libvirt relabels the files, not the directories above.
if id libvirt-qemu >/dev/null 2>&1; then
  for path in "$NODE_DIR" "$(dirname "$BASE_DISK")"; do
    if ! runuser -u libvirt-qemu -- test -x "$path"; then
      echo "node.sh: libvirt-qemu cannot reach $path (a parent directory is not searchable, e.g. mode 0700)" >&2
      exit 1
    fi
  done
fi
overlay="$NODE_DIR/disk.qcow2"
seed="$NODE_DIR/seed.iso"

if ! virsh -c "$VIRSH_URI" dominfo "$DOMAIN" >/dev/null 2>&1; then
  base_format="$(qemu-img info --output=json "$BASE_DISK" | jq -r .format)"
  if [ ! -f "$overlay" ]; then
    qemu-img create -q -f qcow2 -F "$base_format" -b "$BASE_DISK" "$overlay" "${DISK_GIB}G" >&2
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  printf '%s' "$USER_DATA" >"$tmp/user-data"
  printf '%s' "$META_DATA" >"$tmp/meta-data"
  printf '%s' "$NETWORK_CONFIG" >"$tmp/network-config"
  cloud-localds --network-config="$tmp/network-config" "$seed" "$tmp/user-data" "$tmp/meta-data"
  printf '%s' "$DOMAIN_XML" >"$tmp/domain.xml"
  virsh -c "$VIRSH_URI" define "$tmp/domain.xml" >&2
fi

state="$(virsh -c "$VIRSH_URI" domstate "$DOMAIN")"
if [ "$state" != "running" ]; then
  virsh -c "$VIRSH_URI" start "$DOMAIN" >&2
fi
jq -cn --arg d "$DOMAIN" --arg o "$overlay" --arg s "$seed" --arg st "$(virsh -c "$VIRSH_URI" domstate "$DOMAIN")" \
  '{domain: $d, overlay: $o, seed: $s, state: $st}'
