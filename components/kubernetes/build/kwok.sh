#!/usr/bin/env bash
# Builds KWOK's `kwok` controller (sigs.k8s.io/kwok, the release kwok/go.mod requires) from the Go module proxy,
# for emulated Kubernetes clusters (docs/scale.md), into a cache keyed by the hash of every input. A module of its
# own: kwok is built against its own client-go, not against the Kubernetes release build.sh builds (whose module
# replaces every staging module), and a real cluster's build and cache are untouched by it.
# Prints the output directory on stdout (one line: <dir>/bin/kwok, <dir>/manifest.json); progress on stderr. A
# second run with the same inputs only checks the cache. Concurrent runs serialise on a lock.
# Environment: SCHEDBENCH_K8S_CACHE (default /var/cache/schedbench/k8s), SCHEDBENCH_K8S_BUILD_JOBS (go build -p,
# default 2), SCHEDBENCH_K8S_KEY_ONLY=1 (print the output directory without building).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SCHEDBENCH_K8S_CACHE:-/var/cache/schedbench/k8s}
jobs=${SCHEDBENCH_K8S_BUILD_JOBS:-2}
log() { echo "kwok build: $*" >&2; }

command -v go >/dev/null || { log "go is not installed: Go ≥ $(sed -n 's/^go //p' "$here/kwok/go.mod") is needed"; exit 1; }
version=$(sed -n 's/^\(require\)\{0,1\}[[:space:]]*sigs\.k8s\.io\/kwok \(v[^ ]*\).*/\2/p' "$here/kwok/go.mod")
[[ -n $version ]] || { log "kwok/go.mod requires no sigs.k8s.io/kwok release"; exit 1; }
key=$({
  go version
  cat "$here/kwok.sh" "$here/kwok/go.mod" "$here/kwok/go.sum"
} | sha256sum | cut -c1-16)
out=$cache/kwok-$key
if [[ ${SCHEDBENCH_K8S_KEY_ONLY:-0} == 1 ]]; then
  echo "$out"
  exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/.kwok.lock"
flock 9
if [[ -f $out/manifest.json ]]; then
  log "cached: $out"
  echo "$out"
  exit 0
fi

started=$SECONDS
tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp/bin"
log "kwok $version … (cold on 2 idle cores: ≈ 2 min)"
# A line a minute while it builds (a cold Go build prints nothing for minutes); not on stdout, not holding the lock.
(while sleep 60; do log "kwok $version: still building, $(((SECONDS - started) / 60)) min so far"; done) >/dev/null 9>&- &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
(cd "$here/kwok" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -trimpath" GOTOOLCHAIN=local go build -p "$jobs" \
  -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$version" -o "$tmp/bin/kwok" sigs.k8s.io/kwok/cmd/kwok)
printf '{\n  "key": "%s",\n  "go": "%s",\n  "builtSeconds": %d,\n  "versions": {"kwok": "%s"},\n  "binaries": {"kwok": "sha256:%s"}\n}\n' \
  "$key" "$(go env GOVERSION)" "$((SECONDS - started))" "$version" "$(sha256sum "$tmp/bin/kwok" | cut -d' ' -f1)" \
  >"$tmp/manifest.json"
rm -rf "$out"
mv "$tmp" "$out"
log "built in $((SECONDS - started)) s: $out"
echo "$out"
