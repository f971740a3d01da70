#!/usr/bin/env bash
# The node bundle: what a Kubernetes node needs from the build (binaries, manifest.json, image archives) as one
# tarball whose members sit under $BUNDLE_PREFIX (bin/, manifest.json, images/), for a libvirt VM image to unpack
# at / (components/image/build.sh's overlays). Builds the binaries and images first (all.sh) when they are not
# cached. Cached beside them as node-<key>.tar, the key covering the binaries' key, images.sh, this script, the
# prefix, suite and mirror: every input, known without building (SCHEDBENCH_K8S_KEY_ONLY=1 prints the path only).
# Prints the tarball's path on stdout; progress on stderr.
# Environment: BUNDLE_PREFIX (required, absolute), SCHEDBENCH_K8S_MIRROR (required), SCHEDBENCH_K8S_CACHE,
# SCHEDBENCH_K8S_SUITE (as build.sh and images.sh read them).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${BUNDLE_PREFIX:?absolute directory the bundle unpacks to, e.g. /opt/schedbench/kubernetes}"
[[ $BUNDLE_PREFIX == /* ]] || { echo "k8s bundle: BUNDLE_PREFIX must be absolute, got $BUNDLE_PREFIX" >&2; exit 1; }
: "${SCHEDBENCH_K8S_MIRROR:?set it to a Debian mirror URL (schedbench sets it from the host apt sources)}"
cache=${SCHEDBENCH_K8S_CACHE:-/var/cache/schedbench/k8s}
log() { echo "k8s bundle: $*" >&2; }

bin_key=$(SCHEDBENCH_K8S_KEY_ONLY=1 "$here/build.sh")
key=$({
  echo "$bin_key $BUNDLE_PREFIX ${SCHEDBENCH_K8S_SUITE:-bookworm} $SCHEDBENCH_K8S_MIRROR"
  cat "$here/images.sh" "${BASH_SOURCE[0]}"
} | sha256sum | cut -c1-16)
out=$cache/node-$key.tar
if [[ ${SCHEDBENCH_K8S_KEY_ONLY:-0} == 1 ]]; then
  echo "$out"
  exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/.bundle.lock"
flock 9
if [[ -f $out ]]; then
  log "cached: $out"
  echo "$out"
  exit 0
fi

built=$("$here/all.sh")
bin_dir=$(jq -r .binDir <<<"$built")
images_dir=$(jq -r .imagesDir <<<"$built")
stage=$(mktemp -d "$cache/.bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# Links in a staging tree, followed by tar -h: the tarball holds the files under the prefix, nothing is copied twice.
target=$stage${BUNDLE_PREFIX%/}
mkdir -p "$target"
ln -s "$bin_dir/bin" "$target/bin"
ln -s "$bin_dir/manifest.json" "$target/manifest.json"
ln -s "$images_dir" "$target/images"
tar -h --sort=name --owner=0 --group=0 --numeric-owner -C "$stage" -cf "$out.tmp" "${BUNDLE_PREFIX#/}"
mv "$out.tmp" "$out"
log "$(du -h "$out" | cut -f1) at $out"
echo "$out"
