#!/bin/bash
# First-boot seed reader of schedbench base images: applies the NoCloud seed (label cidata, made by
# cloud-localds) without cloud-init — hostname, root's authorized keys, write_files, static network (v2), fresh
# SSH host keys, root filesystem grown to the disk. Seed documents are JSON (valid YAML, so a cloud image's
# cloud-init reads the same seed). Runs before networking and sshd; once per instance-id.
set -euo pipefail

state=/var/lib/schedbench-seed
mkdir -p "$state"

# Host keys are removed from the image so that no two VMs share them. Ed25519 only: RSA key generation takes
# seconds under software emulation, and sshd is configured for this one key (sshd_config.d/schedbench.conf).
if [ ! -f /etc/ssh/ssh_host_ed25519_key ]; then
  ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key >&2
fi

dev="$(blkid -t LABEL=cidata -o device 2>/dev/null | head -n 1 || true)"
if [ -z "$dev" ]; then
  dev="$(blkid -t LABEL=CIDATA -o device 2>/dev/null | head -n 1 || true)"
fi
if [ -z "$dev" ]; then
  echo "schedbench-seed: no seed disk (label cidata); nothing to apply" >&2
  exit 0
fi

mnt="$(mktemp -d)"
cleanup() {
  umount "$mnt" 2>/dev/null || true
  rmdir "$mnt" 2>/dev/null || true
  rm -f "$mnt.user-data"
}
trap cleanup EXIT
mount -o ro "$dev" "$mnt"

# One jq call per document (every jq start costs a second under software emulation); fields are separated by
# the ASCII unit separator, which unlike a tab does not merge empty fields when read splits them.
US=$'\x1f'
IFS="$US" read -r instance name < <(jq -r '[."instance-id", ."local-hostname"] | join("\u001f")' "$mnt/meta-data")
if [ -f "$state/instance" ] && [ "$(cat "$state/instance")" = "$instance" ]; then
  echo "schedbench-seed: instance $instance already applied" >&2
  exit 0
fi

printf '%s\n' "$name" >/etc/hostname
printf '%s' "$name" >/proc/sys/kernel/hostname

# user-data starts with the '#cloud-config' line; the rest is one JSON document.
userdata="$mnt.user-data"
tail -n +2 "$mnt/user-data" >"$userdata"

# The host key the program made and pins (cloud-init's ssh_keys) replaces the one generated above. One jq call
# for both halves (each jq start costs about a second under software emulation).
keys="$(jq -j '[.ssh_keys.ed25519_public // "", .ssh_keys.ed25519_private // ""] | join("\u001f")' "$userdata")"
host_private="${keys#*"$US"}"
if [ -n "$host_private" ]; then
  (
    umask 077
    printf '%s\n' "${host_private%$'\n'}" >/etc/ssh/ssh_host_ed25519_key
  )
  printf '%s\n' "${keys%%"$US"*}" >/etc/ssh/ssh_host_ed25519_key.pub
fi

install -d -m 0700 /root/.ssh
jq -r '.ssh_authorized_keys // [] | .[]' "$userdata" >/root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys

# write_files: path, mode and base64 content per line (content may hold any character).
while IFS="$US" read -r path mode content; do
  install -d "$(dirname "$path")"
  printf '%s' "$content" | base64 -d >"$path"
  chmod "$mode" "$path"
done < <(jq -r '.write_files // [] | .[] | [.path, (.permissions // "0644"), (.content | @base64)] | join("\u001f")' "$userdata")

# Static network: one systemd-networkd unit per ethernet of the v2 network-config.
if [ -f "$mnt/network-config" ]; then
  rm -f /etc/systemd/network/10-schedbench-*.network
  while IFS="$US" read -r key mac addresses gateways dns; do
    {
      echo '[Match]'
      echo "MACAddress=$mac"
      echo '[Network]'
      for a in ${addresses//,/ }; do echo "Address=$a"; done
      for g in ${gateways//,/ }; do echo "Gateway=$g"; done
      for d in ${dns//,/ }; do echo "DNS=$d"; done
    } >"/etc/systemd/network/10-schedbench-$key.network"
  done < <(jq -r '.ethernets // {} | to_entries[] | [
      .key,
      .value.match.macaddress,
      ((.value.addresses // []) | join(",")),
      ((.value.routes // []) | map(select(.to == "0.0.0.0/0" or .to == "default") | .via) | join(",")),
      ((.value.nameservers.addresses // []) | join(","))
    ] | join("\u001f")' "$mnt/network-config")
fi

# The base image's filesystem is just big enough for its files; the overlay disk is larger.
root="$(findmnt -n -o SOURCE /)"
resize2fs "$root" >&2 || echo "schedbench-seed: resize2fs $root failed; keeping the image's size" >&2

printf '%s\n' "$instance" >"$state/instance"
echo "schedbench-seed: applied instance $instance ($name)" >&2
