# shellcheck shell=bash
# The install stage: schedbench never installs Flux, it checks that FLUX_PREFIX holds flux-core (bin/flux) and
# Fluxion (the sched-fluxion-* broker modules) on this node, and installs the load tools (stress-ng, jq;
# idempotent, serialised by flock as netns nodes share one dpkg). Prints the provenance as one JSON line:
# {"packages":{"flux-core":…,"flux-sched":…,"stress-ng":…},"os":…,"kernel":…,"host":…,"hostCpus":…}.
set -euo pipefail
: "${FLUX_PREFIX:?Flux installation prefix (schedbench:flux.prefix)}"

shopt -s nullglob
modules=("$FLUX_PREFIX"/lib*/flux/modules/sched-fluxion-*.so)
missing=()
[[ -x "$FLUX_PREFIX/bin/flux" ]] || missing+=("$FLUX_PREFIX/bin/flux")
for m in qmanager resource; do
  found=''
  for f in "${modules[@]}"; do [[ "${f##*/}" == "sched-fluxion-$m.so" ]] && found=1; done
  [[ -n "$found" ]] || missing+=("the sched-fluxion-$m module ($FLUX_PREFIX/lib/flux/modules/sched-fluxion-$m.so)")
done
if ((${#missing[@]} > 0)); then
  die "schedbench:flux.prefix = $FLUX_PREFIX on $(hostname): no Flux installation: missing $(IFS=';'; echo "${missing[*]}")"
fi

lock="${SCHEDBENCH_APT_LOCK:-/run/schedbench/lock/apt.lock}" && install -d -m 0700 "${lock%/*}"
packages=(stress-ng jq procps)
need_packages() {
  local p status
  for p in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || printf '%s\n' "$p"
  done
}
if [[ -n "$(need_packages)" ]]; then
  exec 9>"$lock"
  flock -w 900 9 || die "could not take $lock within 900 s"
  mapfile -t need < <(need_packages)
  if ((${#need[@]} > 0)); then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}" >&2
  fi
fi

core="$("$FLUX_PREFIX/bin/flux" version | awk '$1 == "commands:" {print $2}')"
[[ -n "$core" ]] || die "$FLUX_PREFIX/bin/flux version does not report a version"
# Fluxion does not report its version without a running instance; its pkg-config file or its library's name does.
sched="$(sed -n '/^Version: */{s///p;q;}' "$FLUX_PREFIX"/lib*/pkgconfig/flux-sched.pc 2>/dev/null)"
if [[ -z "$sched" ]]; then
  # flux-sched 0.54 installs no pkg-config file; its library carries the version (libfluxion-data.so.0.54.0).
  for f in "$FLUX_PREFIX"/lib*/libfluxion-data.so.*.*.*; do sched="${f##*/libfluxion-data.so.}"; done
fi
sched="${sched:-unknown}"
# shellcheck source=/dev/null
. /etc/os-release
jq -cn --arg core "$core" --arg sched "$sched" --arg stressng "$(dpkg-query -W -f='${Version}' stress-ng)" \
  --arg os "${PRETTY_NAME:-unknown}" --arg kernel "$(uname -r)" --arg host "$(hostname)" \
  --argjson cpus "$(nproc --all)" --arg prefix "$FLUX_PREFIX" \
  '{packages:{"flux-core":$core,"flux-sched":$sched,"stress-ng":$stressng},prefix:$prefix,os:$os,kernel:$kernel,host:$host,hostCpus:$cpus}'
