#!/bin/bash
# Leaves the hypervisor host as daemons.sh found it, once no domain and no active network is left on it: stops
# the libvirtd/virtlogd that daemons.sh started (recorded PIDs only; daemons started by others are never
# touched) and restores /dev/kvm's owner and mode. Succeeds when there is nothing to do.
set -euo pipefail

: "${HOST_STATE:?host-wide state directory of the libvirt backend}"
: "${VIRSH_URI:?libvirt URI on this host}"

[ -d "$HOST_STATE" ] || exit 0
trusted_dir "$HOST_STATE" || die "schedbench:backend.storageDir: $HOST_STATE is not a directory only root can change; leaving it alone"
host_lock

if virsh -c "$VIRSH_URI" version >/dev/null 2>&1; then
  domains="$(virsh -c "$VIRSH_URI" list --all --name | tr -d '[:space:]')"
  networks="$(virsh -c "$VIRSH_URI" net-list --name | tr -d '[:space:]')"
  if [ -n "$domains" ] || [ -n "$networks" ]; then
    echo "daemons-stop.sh: domains or active networks remain on $VIRSH_URI; leaving the host as it is" >&2
    exit 0
  fi
fi

# Gone, or a zombie (exited; reaping is its parent's business).
gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo Z)" = Z ]; }

stop_pid() {
  local name="$1" pid
  pid="$(cat "$HOST_STATE/$name.pid")"
  # Only the process we started: same PID and still that program.
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "$name" ] && ! gone "$pid"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      gone "$pid" && break
      sleep 0.1
    done
    if ! gone "$pid"; then
      echo "daemons-stop.sh: $name ($pid) ignored SIGTERM for 10 s; SIGKILL" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$HOST_STATE/$name.pid"
}

for daemon in libvirtd virtlogd; do
  if [ -f "$HOST_STATE/$daemon.pid" ]; then stop_pid "$daemon"; fi
done

if [ -f "$HOST_STATE/kvm.before" ]; then
  if [ -c /dev/kvm ]; then
    read -r owner mode <"$HOST_STATE/kvm.before"
    chown "$owner" /dev/kvm
    chmod "$mode" /dev/kvm
  fi
  rm -f "$HOST_STATE/kvm.before"
fi

# The directory goes once it holds nothing but the lock (another cluster's records keep it).
if [ -z "$(find "$HOST_STATE" -mindepth 1 -not -name lock -print -quit)" ]; then
  rm -f "$HOST_STATE/lock"
  rmdir "$HOST_STATE" 2>/dev/null || true
fi
