#!/bin/bash
# Builds the schedbench base image from Debian's packages: mmdebstrap (minbase + kernel + openssh + scheduler
# packages) into a directory, the configured overlay tarballs unpacked on it, the first-boot seed reader
# installed, `mkfs.ext4 -d` into a raw disk (no loop device, no mount), converted to qcow2; kernel and initrd
# beside it for direct kernel boot.
# Idempotent: an OUT_DIR that already holds image.json is the cached result of the same inputs. Run with
# components/nodes/libvirt/scripts/storage.sh in front (inputs.ts): the cache directory is trust-checked first.
# stdout: one JSON document {disk, kernel, initrd, cmdline, sha256, sizeBytes, built}.
set -euo pipefail

: "${OUT_DIR:?directory of the image (one per input hash)}"
: "${SUITE:?Debian suite, e.g. bookworm}"
: "${MIRROR:?Debian mirror URL}"
: "${PACKAGES:?comma-separated packages to install}"
: "${SEED_READER:?text of the first-boot seed reader}"
: "${SEED_UNIT:?text of its systemd unit}"
: "${SSHD_DIRECTIVES:?sshd_config lines every schedbench node sshd carries}"
: "${INPUT_HASH:?hash of the inputs (recorded in image.json)}"
# OVERLAYS: tarballs (one path a line; may be empty) unpacked at / after the packages, e.g. a scheduler installed
# outside Debian's packages (schedbench:flux.tarball).
: "${OVERLAYS=}"
# DISABLED_UNITS: systemd units (space-separated; may be empty) the scheduler's packages enable at boot.
: "${DISABLED_UNITS=}"

# The cache (backend.storageDir + /images) must be a place only root can change, or a planted image.json — or a
# link — could hand the VMs another disk (storage.sh, prepended).
parent="$(dirname "$OUT_DIR")"
trusted_tree "$parent" "image cache (schedbench:backend.storageDir + /images)"
if [ -e "$OUT_DIR" ] && ! trusted_dir "$OUT_DIR"; then
  storage_die "image cache: $OUT_DIR is not a directory only root can change (found: $(ls -ld -- "$OUT_DIR" 2>&1))"
fi

if [ -f "$OUT_DIR/image.json" ]; then
  jq -c '. + {built: false}' "$OUT_DIR/image.json"
  exit 0
fi

for tool in mmdebstrap mkfs.ext4 qemu-img jq sha256sum; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found (see .ci/packages/libvirt.txt)" >&2; exit 1; }
done

work="$(mktemp -d "$parent/.build.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
chmod 0755 "$work" # qemu (user libvirt-qemu) reads the image files
root="$work/root"

# initramfs-tools' default (MODULES=most) makes a large initrd; a VM only needs virtio and ext4. Set before the
# kernel is installed (essential hook), so the initrd is generated once. The hook runs in mmdebstrap's shell with
# the root directory as $1, hence the single quotes.
# shellcheck disable=SC2016
essential_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"
printf "MODULES=list\n" >"$1/etc/initramfs-tools/conf.d/schedbench.conf"
printf "virtio_pci\nvirtio_blk\nvirtio_net\next4\n" >"$1/usr/share/initramfs-tools/modules.d/schedbench"'

echo "build.sh: mmdebstrap $SUITE ($PACKAGES)" >&2
mmdebstrap --mode=root --variant=minbase --format=directory \
  --include="$PACKAGES" \
  --essential-hook="$essential_hook" \
  "$SUITE" "$root" "$MIRROR" >&2

while IFS= read -r overlay; do
  [ -n "$overlay" ] || continue
  echo "build.sh: unpacking $overlay at /" >&2
  # GNU tar strips a leading / and refuses members that climb out with ..; existing directories keep their modes.
  tar -xf "$overlay" -C "$root" --no-overwrite-dir >&2
done <<<"$OVERLAYS"

printf '%s\n' "$SEED_READER" >"$root/usr/local/sbin/schedbench-seed"
chmod 0755 "$root/usr/local/sbin/schedbench-seed"
printf '%s\n' "$SEED_UNIT" >"$root/etc/systemd/system/schedbench-seed.service"
systemctl --root="$root" enable schedbench-seed.service systemd-networkd.service >&2
# The scheduler component configures and starts its daemons; at boot they would only start unconfigured.
read -r -a disabled_units <<<"$DISABLED_UNITS"
for unit in "${disabled_units[@]}"; do
  if [ -e "$root/lib/systemd/system/$unit" ]; then systemctl --root="$root" disable "$unit" >&2; fi
done
# Periodic maintenance would add load in the middle of a measurement.
systemctl --root="$root" mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer >&2

printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
mkdir -p "$root/etc/ssh/sshd_config.d"
printf 'HostKey /etc/ssh/ssh_host_ed25519_key\n%sPermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n' \
  "$SSHD_DIRECTIVES" >"$root/etc/ssh/sshd_config.d/schedbench.conf"
rm -f "$root"/etc/ssh/ssh_host_*
: >"$root/etc/machine-id"
rm -f "$root/etc/hostname"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"

kernel="$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -n 1)"
initrd="$(find "$root/boot" -maxdepth 1 -name 'initrd.img-*' | sort | tail -n 1)"
if [ -z "$kernel" ] || [ -z "$initrd" ]; then
  echo "build.sh: no kernel/initrd in $root/boot" >&2
  exit 1
fi
cp "$kernel" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"

# Disk = files + 25 % + 256 MiB of headroom; the first boot grows the filesystem to the overlay's size.
used_kib="$(du -sk "$root" | cut -f1)"
size_mib=$(((used_kib * 5 / 4) / 1024 + 256))
echo "build.sh: mkfs.ext4 -d ($size_mib MiB)" >&2
mkfs.ext4 -q -F -L schedroot -d "$root" "$work/disk.raw" "${size_mib}M" >&2
qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$work/disk.qcow2"
rm -f "$work/disk.raw"
rm -rf "$root"

sha="$(sha256sum "$work/disk.qcow2" | cut -d' ' -f1)"
bytes="$(stat -c %s "$work/disk.qcow2")"
jq -n --arg disk "$OUT_DIR/disk.qcow2" --arg kernel "$OUT_DIR/vmlinuz" --arg initrd "$OUT_DIR/initrd.img" \
  --arg cmdline "root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet" --arg sha256 "$sha" --argjson sizeBytes "$bytes" \
  --arg inputHash "$INPUT_HASH" --arg suite "$SUITE" \
  '{disk: $disk, kernel: $kernel, initrd: $initrd, cmdline: $cmdline, sha256: $sha256, sizeBytes: $sizeBytes, inputHash: $inputHash, suite: $suite}' \
  >"$work/image.json"
rm -rf "$OUT_DIR"
mv "$work" "$OUT_DIR"
trap - EXIT
jq -c '. + {built: true}' "$OUT_DIR/image.json"
