#!/bin/bash
# First-boot seed reader of schedbench base images: applies the NoCloud seed (label cidata, made by
# cloud-localds) without cloud-init — hostname, root's authorized keys, write_files, static network (v2), fresh
# SSH host keys, root filesystem grown to the disk. Seed documents are JSON (valid YAML, so a cloud image's
# cloud-init reads the same seed). Runs before networking and sshd; once per instance-id.
set -Eeuo pipefail

state=/var/lib/schedbench-seed
mkdir -p "$state"

# Each step with the seconds since boot, on the console: a slow first boot says where its time went.
say() { printf 'schedbench-seed: [%s s] %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*" >&2; }
say "start"
# A failure names its line on the console (set -e alone would end the unit silently).
trap 'say "failed at line $LINENO (exit $?)"' ERR

# Host keys are removed from the image so that no two VMs share them. Ed25519 only: RSA key generation takes
# seconds under software emulation, and sshd is configured for this one key (sshd_config.d/schedbench.conf).
# Generated only when the seed brings none (the program pins the seed's key; a generated one could never match).
ensure_host_key() {
  if [ ! -f /etc/ssh/ssh_host_ed25519_key ]; then
    ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key >&2
    say "host key generated (the seed brought none)"
  fi
}

# The seed disk is probed without blkid's cache, and waited for (bounded): under a loaded host's software
# emulation its device may still be settling when this unit starts.
seed_device() {
  local label found
  for label in cidata CIDATA; do
    found="$(blkid -c /dev/null -t "LABEL=$label" -o device 2>/dev/null || true)" # exit 2: no such label
    if [ -n "$found" ]; then
      printf '%s\n' "${found%%$'\n'*}"
      return 0
    fi
  done
}
dev=""
# The host removes the seed once the first boot has applied it (it holds the node's SSH host private key): a later
# boot of an applied instance looks once, after udev has settled, and keeps what the first boot applied.
if [ -f "$state/instance" ]; then
  udevadm settle --timeout=30 2>/dev/null || true
  dev="$(seed_device)"
  if [ -z "$dev" ]; then
    say "no seed disk: instance $(cat "$state/instance") was applied at first boot; nothing to do"
    ensure_host_key
    exit 0
  fi
fi
for _ in $(seq 1 "${SEED_WAIT_SECONDS:-120}"); do
  [ -n "$dev" ] && break
  dev="$(seed_device)"
  [ -n "$dev" ] && break
  udevadm settle --timeout=1 2>/dev/null || sleep 1
done
if [ -z "$dev" ]; then
  say "no seed disk (label cidata) after ${SEED_WAIT_SECONDS:-120} s; nothing to apply"
  ensure_host_key
  exit 1
fi

# Under /run, not /tmp: this unit runs before tmp.mount, which may hide anything made in /tmp meanwhile.
work=/run/schedbench-seed
mnt="$work/mnt"
mkdir -p "$mnt"
cleanup() {
  umount "$mnt" 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
mount -o ro "$dev" "$mnt"
say "seed $dev mounted"

# One jq call per document (every jq start costs a second under software emulation); fields are separated by
# the ASCII unit separator, which unlike a tab does not merge empty fields when read splits them.
US=$'\x1f'
IFS="$US" read -r instance name < <(jq -r '[."instance-id", ."local-hostname"] | join("\u001f")' "$mnt/meta-data")
if [ -f "$state/instance" ] && [ "$(cat "$state/instance")" = "$instance" ]; then
  say "instance $instance already applied"
  ensure_host_key
  exit 0
fi

printf '%s\n' "$name" >/etc/hostname
printf '%s' "$name" >/proc/sys/kernel/hostname

# user-data starts with the '#cloud-config' line; the rest is one JSON document.
userdata="$work/user-data"
tail -n +2 "$mnt/user-data" >"$userdata"

# The host key the program made and pins (cloud-init's ssh_keys). One jq call
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
ensure_host_key

install -d -m 0700 /root/.ssh
jq -r '.ssh_authorized_keys // [] | .[]' "$userdata" >/root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys

# write_files: path, mode and base64 content per line (content may hold any character).
while IFS="$US" read -r path mode content; do
  install -d "$(dirname "$path")"
  printf '%s' "$content" | base64 -d >"$path"
  chmod "$mode" "$path"
done < <(jq -r '.write_files // [] | .[] | [.path, (.permissions // "0644"), (.content | @base64)] | join("\u001f")' "$userdata")

say "keys and files written"

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

say "network written"

# The base image's filesystem is just big enough for its files; the overlay disk is larger.
root="$(findmnt -n -o SOURCE /)"
resize2fs "$root" >&2 || echo "schedbench-seed: resize2fs $root failed; keeping the image's size" >&2

printf '%s\n' "$instance" >"$state/instance"
say "applied instance $instance ($name)"
