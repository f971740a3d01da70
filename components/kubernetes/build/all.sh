#!/usr/bin/env bash
# Builds (or finds in the cache) everything a schedbench Kubernetes cluster needs on this machine: the binaries
# (build.sh) and the image archives (images.sh). Prints one JSON line {binDir, imagesDir}; progress on stderr.
# Run by `npx schedbench k8s build`, by setup.sh and by the cluster's build resource inside `up`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin_dir=$("$here/build.sh")
images_dir=$("$here/images.sh" "$bin_dir/bin")
printf '{"binDir":"%s","imagesDir":"%s"}\n' "$bin_dir" "$images_dir"
