#!/bin/bash
# An existing image given in config (source: file): checked and digested; nothing is built or changed.
# stdout: the same JSON shape as build.sh, with no kernel (the image boots by its own bootloader).
set -euo pipefail

: "${IMAGE_PATH:?path of the existing image}"

[ -f "$IMAGE_PATH" ] || { echo "digest.sh: image $IMAGE_PATH does not exist" >&2; exit 1; }
format="$(qemu-img info --output=json "$IMAGE_PATH" | jq -r .format)"
case "$format" in
  qcow2 | raw) ;;
  *)
    echo "digest.sh: $IMAGE_PATH is $format; qcow2 or raw expected" >&2
    exit 1
    ;;
esac
jq -cn --arg disk "$IMAGE_PATH" --arg sha "$(sha256sum "$IMAGE_PATH" | cut -d' ' -f1)" \
  --argjson bytes "$(stat -c %s "$IMAGE_PATH")" \
  '{disk: $disk, kernel: "", initrd: "", cmdline: "", sha256: $sha, sizeBytes: $bytes, inputHash: "", built: false}'
