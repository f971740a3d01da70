#!/usr/bin/env bash
# Builds the pinned actionlint from the Go module proxy into <repo>/.schedbench/tools/actionlint/<version>/
# and reuses it when it is already there. Prints the binary's path.
# Environment: ACTIONLINT_VERSION (default the pinned one), GO (default go).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="${ACTIONLINT_VERSION:-v1.7.12}"
go="${GO:-go}"
dir="$repo/.schedbench/tools/actionlint/$version"
if [[ -x "$dir/actionlint" ]]; then
  echo "$dir/actionlint"
  exit 0
fi
if ! command -v "$go" >/dev/null; then
  echo "actionlint.sh: $go not found; install Go to build actionlint $version" >&2
  exit 1
fi
echo "actionlint.sh: building github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
mkdir -p "$dir"
GOBIN="$dir" GOFLAGS=-mod=mod "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
echo "$dir/actionlint"
