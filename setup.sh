#!/usr/bin/env bash
# Installs everything schedbench needs on Debian 12 (run as root): the system packages listed in
# .ci/packages/*.txt and the npm dependencies (npm ci). Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: run as root (network namespaces, cgroups and daemons need it)" >&2
  exit 1
fi
mapfile -t packages < <(cat .ci/packages/*.txt | sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)
missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$pkg"); fi
done
if ((${#missing[@]} > 0)); then
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
# --- Pulumi engine (issue #16; cli/engine/build.sh, docs/engine.md) -------------------------------------------
# Builds the Pulumi CLI and plugins from Go modules into .schedbench/pulumi when Go is installed and no `pulumi`
# is on PATH (a user with the official CLI uses theirs); cached by input hash, so a second run takes seconds.
# SCHEDBENCH_ENGINE=0 skips it: `npm run up|preview|destroy` then uses the local runner. The Kubernetes provider
# (a long cold build that no stack uses yet) only with SCHEDBENCH_ENGINE_KUBERNETES=1.
if [[ ${SCHEDBENCH_ENGINE:-1} == 1 ]] && command -v go >/dev/null && ! command -v pulumi >/dev/null; then
  SCHEDBENCH_ENGINE_KUBERNETES=${SCHEDBENCH_ENGINE_KUBERNETES:-0} cli/engine/build.sh
fi
# --- end Pulumi engine ------------------------------------------------------------------------------------------
# --- tracking and pipeline (issue 13): the pinned MLflow server in .venv for the tracking tests, and the pinned
# actionlint (Go module proxy) under .schedbench/tools for the workflow check. Both skip what is already there.
.github/tools/mlflow.sh >/dev/null
.github/tools/actionlint.sh >/dev/null
# --- end tracking and pipeline ---
# --- Kubernetes (issue #10; components/kubernetes/build/, docs/kubernetes.md) ------------------------------------
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubectl, kubeadm, etcd, containerd, runc
# and the pause binary from Go modules, and the pause and stress-ng images from Debian packages, into
# /var/cache/schedbench/k8s keyed by the hash of every input: a cold build takes ≈ 14 min on 2 idle cores, a
# cached one a second. The Kubernetes e2e and `npm run up -- --stack local-kubernetes` use it. SCHEDBENCH_K8S=0
# skips it (a Kubernetes `up` then builds inside its build resource, and the e2e says it skipped).
if [[ ${SCHEDBENCH_K8S:-1} == 1 ]] && command -v go >/dev/null; then
  components/kubernetes/build/all.sh >/dev/null
fi
# --- end Kubernetes ---------------------------------------------------------------------------------------------
echo "setup.sh: ready" >&2
