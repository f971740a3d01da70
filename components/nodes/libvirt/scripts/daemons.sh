#!/bin/bash
# Makes sure libvirtd and virtlogd run on this host (machines without systemd do not start them after install).
# What this script starts is recorded under HOST_STATE so that daemons-stop.sh stops exactly that, by PID.
# stdout: {"started": [names], "running": [names]}
set -euo pipefail

: "${HOST_STATE:?host-wide state directory of the libvirt backend}"
: "${VIRSH_URI:?libvirt URI on this host, e.g. qemu:///system}"

trusted_tree "$HOST_STATE" schedbench:backend.storageDir
host_lock

# libvirt re-probes QEMU (seconds each time, ~80 s per `virsh define` here) when KVM works for root but not for
# the qemu user: its cached capabilities never validate. Debian's udev rule would give /dev/kvm root:kvm 0660;
# where nothing did (containers, no udev), do that, and record the previous state for daemons-stop.sh.
if [ -c /dev/kvm ] && getent group kvm >/dev/null && [ "$(stat -c '%G %a' /dev/kvm)" != "kvm 660" ]; then
  if [ ! -f "$HOST_STATE/kvm.before" ]; then stat -c '%u:%g %a' /dev/kvm >"$HOST_STATE/kvm.before"; fi
  chgrp kvm /dev/kvm
  chmod 0660 /dev/kvm
fi

started=()
for daemon in virtlogd libvirtd; do
  if pgrep -x "$daemon" >/dev/null; then continue; fi
  command -v "$daemon" >/dev/null || { echo "daemons.sh: $daemon not installed (package libvirt-daemon-system)" >&2; exit 1; }
  # fd 9 (the lock) closed: a daemon must not hold it for the rest of its life.
  "$daemon" -d 9>&-
  pid=""
  for _ in $(seq 1 100); do
    pid="$(pgrep -xo "$daemon" || true)"
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || { echo "daemons.sh: $daemon did not start" >&2; exit 1; }
  printf '%s\n' "$pid" >"$HOST_STATE/$daemon.pid"
  started+=("$daemon")
done

# Bounded wait until libvirtd answers on its socket.
for _ in $(seq 1 300); do
  if virsh -c "$VIRSH_URI" version >/dev/null 2>&1; then
    jq -cn --args '{started: $ARGS.positional, running: ["virtlogd", "libvirtd"]}' "${started[@]}"
    exit 0
  fi
  sleep 0.1
done
echo "daemons.sh: libvirtd does not answer on $VIRSH_URI after 30 s" >&2
virsh -c "$VIRSH_URI" version >&2 || true
exit 1
