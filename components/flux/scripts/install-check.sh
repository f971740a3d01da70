# shellcheck shell=bash
# The install stage: schedbench never installs Flux, it checks that FLUX_PREFIX holds flux-core (bin/flux) and
# Fluxion (the sched-fluxion-* broker modules) on this node, and installs the load tools where missing (the stage
# library's install_packages: idempotent, one install at a time per host, as netns nodes share its dpkg). Prints
# the provenance as one JSON line:
# {"packages":{"flux-core":…,"flux-sched":…,"stress-ng":…},"prefix":…,"os":…,"kernel":…,"host":…,"hostCpus":…}.
set -euo pipefail
: "${FLUX_PREFIX:?Flux installation prefix (schedbench:flux.prefix)}"

shopt -s nullglob
modules=("$FLUX_PREFIX"/lib*/flux/modules/sched-fluxion-*.so)
missing=()
[[ -x "$FLUX_PREFIX/bin/flux" ]] || missing+=("$FLUX_PREFIX/bin/flux")
for m in qmanager resource; do
  found=''
  for f in "${modules[@]}"; do [[ "${f##*/}" != "sched-fluxion-$m.so" ]] || found=1; done
  [[ -n "$found" ]] || missing+=("the sched-fluxion-$m module ($FLUX_PREFIX/lib/flux/modules/sched-fluxion-$m.so)")
done
if ((${#missing[@]} > 0)); then
  die "schedbench:flux.prefix = $FLUX_PREFIX on $(hostname): no Flux installation: missing $(IFS=';'; echo "${missing[*]}")"
fi

install_packages stress-ng jq procps

core="$("$FLUX_PREFIX/bin/flux" version | awk '$1 == "commands:" {print $2}')"
[[ -n "$core" ]] || die "$FLUX_PREFIX/bin/flux version does not report a version"
# Fluxion does not report its version without a running instance; its pkg-config file or its library's name does.
sched=''
pc=("$FLUX_PREFIX"/lib*/pkgconfig/flux-sched.pc)
if ((${#pc[@]} > 0)); then sched="$(sed -n '/^Version: */{s///p;q;}' "${pc[0]}")"; fi
if [[ -z "$sched" ]]; then
  # flux-sched 0.54 installs no pkg-config file; its library carries the version (libfluxion-data.so.0.54.0).
  for f in "$FLUX_PREFIX"/lib*/libfluxion-data.so.*.*.*; do sched="${f##*/libfluxion-data.so.}"; done
fi
jq -cn --arg core "$core" --arg sched "${sched:-unknown}" --arg stressng "$(package_version stress-ng)" \
  --arg prefix "$FLUX_PREFIX" --argjson facts "$(machine_facts)" \
  '{packages: {"flux-core": $core, "flux-sched": $sched, "stress-ng": $stressng}, prefix: $prefix} + $facts'
