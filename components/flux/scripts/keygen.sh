# shellcheck shell=bash
# Make the cluster's CURVE certificate with `flux keygen` on the first node and print it (the caller keeps it
# as a secret and hands it to configure.sh on stdin). Leaves nothing on disk.
set -euo pipefail
: "${FLUX_PREFIX:?Flux installation prefix}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$FLUX_PREFIX/bin/flux" keygen "$tmp/curve.cert" >&2
cat "$tmp/curve.cert"
