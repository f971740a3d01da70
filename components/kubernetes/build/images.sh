#!/usr/bin/env bash
# Builds the two container images a schedbench Kubernetes cluster uses, without a registry, as docker-archive
# files that `ctr -n k8s.io images import` reads: the pause image (the static pause binary build.sh compiled from
# the Kubernetes release's pause.c) and the workload image (Debian minbase + stress-ng, by mmdebstrap). Layers and
# manifests are made by umoci (OCI layout), the archive by skopeo. Cached beside the binaries, keyed by the hash of
# the inputs (this script, the pause binary, suite, mirror); the Debian packages are whatever the mirror serves on
# the day of the first build, so the digests in images.json (→ provenance) are what identifies them.
# Usage: images.sh BIN_DIR → prints the images directory on stdout; progress on stderr.
# Environment: SCHEDBENCH_K8S_CACHE (default /var/cache/schedbench/k8s), SCHEDBENCH_K8S_SUITE (bookworm),
# SCHEDBENCH_K8S_MIRROR (required: the Debian mirror's URL; `npx schedbench k8s build` sets it from the host's apt
# sources), SCHEDBENCH_K8S_KEY_ONLY=1 (print the directory only).
set -euo pipefail
bin=${1:?usage: images.sh BIN_DIR}
cache=${SCHEDBENCH_K8S_CACHE:-/var/cache/schedbench/k8s}
suite=${SCHEDBENCH_K8S_SUITE:-bookworm}
mirror=${SCHEDBENCH_K8S_MIRROR:?set it to a Debian mirror URL (schedbench sets it from the host apt sources)}
log() { echo "k8s images: $*" >&2; }
[[ -x $bin/pause ]] || { log "no pause binary in $bin (run build.sh first)"; exit 1; }

pause_tag=$("$bin/pause" -v | awk '{print $2}' | sed 's/-schedbench$//')
pause_ref=registry.k8s.io/pause:${pause_tag#v}
stress_ref=schedbench.local/stress-ng:$suite
key=$({ cat "${BASH_SOURCE[0]}"; sha256sum <"$bin/pause"; echo "$suite $mirror $pause_ref $stress_ref"; } | sha256sum | cut -c1-16)
out=$cache/images-$key
if [[ ${SCHEDBENCH_K8S_KEY_ONLY:-0} == 1 ]]; then
  echo "$out"
  exit 0
fi
for tool in mmdebstrap umoci skopeo jq; do
  command -v "$tool" >/dev/null || { log "$tool not found (see .ci/packages/kubernetes.txt)"; exit 1; }
done
mkdir -p "$cache"
exec 9>"$cache/.images.lock"
flock 9
if [[ -f $out/images.json ]]; then
  log "cached: $out"
  echo "$out"
  exit 0
fi
started=$SECONDS
tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"

# layer_image NAME REF ROOTFS_TAR ENTRYPOINT… : an OCI image of one layer, then a docker-archive tagged REF.
layer_image() {
  local name=$1 ref=$2 tar=$3
  shift 3
  local config_args=()
  for arg in "$@"; do config_args+=(--config.entrypoint "$arg"); done
  umoci new --image "$tmp/layout:$name"
  umoci raw add-layer --image "$tmp/layout:$name" "$tar"
  umoci config --image "$tmp/layout:$name" --os linux --architecture amd64 --config.user 0:0 \
    --config.workingdir / "${config_args[@]}"
  skopeo copy --quiet "oci:$tmp/layout:$name" "docker-archive:$tmp/$name.tar:$ref" >&2
}
umoci init --layout "$tmp/layout"

log "pause image $pause_ref"
mkdir -p "$tmp/pause-root"
install -m 0755 "$bin/pause" "$tmp/pause-root/pause"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/pause-root" -cf "$tmp/pause-layer.tar" pause
layer_image pause "$pause_ref" "$tmp/pause-layer.tar" /pause

log "workload image $stress_ref (mmdebstrap $suite minbase + stress-ng)"
# shellcheck disable=SC2016 # $1 is the hook's argument (the root directory)
mmdebstrap --mode=root --variant=minbase --format=tar --include=stress-ng,procps \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$suite" "$tmp/stress-root.tar" "$mirror" >&2
layer_image stress "$stress_ref" "$tmp/stress-root.tar" /usr/bin/stress-ng
# awk reads to the end (no `exit`): stopping early would kill tar by SIGPIPE, and pipefail fail the build.
stress_version=$(tar -xOf "$tmp/stress-root.tar" ./var/lib/dpkg/status |
  awk '/^Package: stress-ng$/{p=1} p && /^Version:/ && v == "" {v = $2} END {print v}')

digest() { skopeo inspect "docker-archive:$tmp/$1.tar" | jq -r .Digest; }
jq -n --arg pause "$pause_ref" --arg pd "$(digest pause)" --arg stress "$stress_ref" --arg sd "$(digest stress)" \
  --arg sv "$stress_version" --arg suite "$suite" \
  '{pause:{ref:$pause,digest:$pd,archive:"pause.tar"},workload:{ref:$stress,digest:$sd,archive:"stress.tar",stressNg:$sv,suite:$suite}}' \
  >"$tmp/images.json"
rm -rf "$tmp/layout" "$tmp/pause-root" "$tmp/pause-layer.tar" "$tmp/stress-root.tar"
rm -rf "$out"
mv "$tmp" "$out"
log "built in $((SECONDS - started)) s: $out"
echo "$out"
