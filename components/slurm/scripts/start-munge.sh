# shellcheck shell=bash
# Start the cluster's munged unless one already answers on its socket (netns nodes share the socket path, so
# the first node's munged serves all of them). Prints {"munged":"started"|"running"}.
set -euo pipefail
: "${ROOT:?cluster state directory}"
dir="$ROOT/munge"
sock="$dir/munge.socket"

answers() { munge -n -S "$sock" </dev/null 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1; }

# start_munged : under the cluster's munge lock (lib.sh's munge_lock).
start_munged() {
  local keysum
  keysum="$(sha256sum <"$dir/munge.key")"
  if pid_alive "$dir/munged.pid" munged && answers; then
    if [[ "$(cat "$dir/munged.keysum" 2>/dev/null)" == "$keysum" ]]; then
      printf '{"munged":"running"}\n'
      return 0
    fi
    log "the munge key changed: restarting munged"
    stop_pidfile "$dir/munged.pid" munged "${STOP_TIMEOUT:-10}"
  fi
  rm -f "$sock" "$sock.lock"
  # munged must not hold the lock's descriptor: the lock would live as long as it.
  runuser -u munge -- munged --socket="$sock" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" </dev/null >/dev/null 2>&1 {LOCK_FD}>&- ||
    { tail -n 5 "$dir/munged.log" >&2 || true; die "munged did not start"; }
  wait_until 20 "munged to answer on $sock" answers || { tail -n 20 "$dir/munged.log" >&2 || true; exit 1; }
  printf '%s' "$keysum" >"$dir/munged.keysum"
  printf '{"munged":"started"}\n'
}

# Nodes sharing one filesystem (netns) run this at the same moment: one at a time, or two munged race.
with_lock "$(munge_lock)" start_munged
