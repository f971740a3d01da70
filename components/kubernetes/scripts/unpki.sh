# shellcheck shell=bash
# Remove the cluster's PKI, kubeconfigs and kubeadm configuration from the first node. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
rm -rf --one-file-system -- "${ROOT:?}/pki" "${ROOT:?}/etc"
printf '{"pki":"removed"}\n'
