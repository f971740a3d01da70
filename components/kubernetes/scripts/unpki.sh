# shellcheck shell=bash
# Remove the cluster's PKI, kubeconfigs and kubeadm configuration from the first node, and what runs left there
# (samplers' and jobs' directories). Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
rm -rf --one-file-system -- "${ROOT:?}/pki" "${ROOT:?}/etc" "${ROOT:?}/samplers" "${ROOT:?}/jobs"
printf '{"pki":"removed"}\n'
