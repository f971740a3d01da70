#!/bin/bash
# Decides KVM or TCG for the hypervisor at VIRSH_URI. /dev/kvm alone is not proof: on machines whose CPU exposes
# no vmx/svm the device exists, libvirt even reports a kvm domain type, and a KVM guest hangs silently.
# KVM only when the host CPU has vmx or svm AND libvirt offers the kvm domain type. ACCEL=kvm|tcg forces.
# stdout: {"accel": "kvm"|"tcg", "reason": "..."}
set -euo pipefail

: "${VIRSH_URI:?libvirt URI}"
: "${ACCEL:?auto, kvm or tcg}"

case "$ACCEL" in
  kvm)
    jq -cn '{accel: "kvm", reason: "forced by config (backend.accel: kvm)"}'
    exit 0
    ;;
  tcg)
    jq -cn '{accel: "tcg", reason: "software emulation (TCG) forced by config (backend.accel: tcg); figures are not representative"}'
    exit 0
    ;;
  auto) ;;
  *)
    echo "accel.sh: ACCEL must be auto, kvm or tcg, got $ACCEL" >&2
    exit 1
    ;;
esac

reason=""
if [[ "$VIRSH_URI" == qemu:///* ]]; then
  if ! grep -qwE 'vmx|svm' /proc/cpuinfo; then reason="host CPU exposes no vmx/svm"; fi
  if [ -z "$reason" ] && [ ! -c /dev/kvm ]; then reason="no /dev/kvm"; fi
else
  if ! grep -qE "<feature name='(vmx|svm)'/>" <<<"$(virsh -c "$VIRSH_URI" capabilities)"; then
    reason="host CPU of $VIRSH_URI reports no vmx/svm"
  fi
fi
if [ -z "$reason" ] && ! virsh -c "$VIRSH_URI" domcapabilities --virttype kvm >/dev/null 2>&1; then
  reason="libvirt offers no kvm domain type"
fi

if [ -z "$reason" ]; then
  jq -cn '{accel: "kvm", reason: "vmx/svm present and libvirt offers kvm"}'
else
  jq -cn --arg r "$reason" '{accel: "tcg", reason: ("software emulation (TCG): " + $r + "; figures are not representative")}'
fi
