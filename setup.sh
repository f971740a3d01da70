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
echo "setup.sh: ready" >&2
