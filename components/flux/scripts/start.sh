# shellcheck shell=bash
# Start this node's Flux broker (idempotent: a live broker is left alone). The broker finds its rank by its
# hostname (NODE) in the [bootstrap] hosts of system.toml, runs no initial program (a system instance) and keeps
# its state in the pre-created statedir (a broker removes directories it created itself when it exits). It is
# started over SSH inside the node, so it inherits the node's namespaces and cgroup. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${START_TIMEOUT:=60}"
flux_env
dir="$ROOT/nodes/$NODE"
install -d -m 0755 "$dir"
install -d -m 0700 "$dir/state"
export FLUX_URI="local://$dir/run/local"
if ! broker_alive "$dir/broker.pid"; then
  rm -rf "$dir/run"
  setsid flux broker --config-path="$ROOT/etc/flux" \
    -Shostname="$NODE" -Srundir="$dir/run" -Sstatedir="$dir/state" -Slocal-uri="$FLUX_URI" \
    -Slog-filename="$dir/broker.log" -Slog-stderr-level=3 -Sbroker.rc2_none -Sbroker.quorum-warn=none \
    </dev/null >>"$dir/broker.out" 2>&1 &
  echo "$!" >"$dir/broker.pid"
fi
wait_until "$START_TIMEOUT" "the broker of $NODE to run" broker_alive "$dir/broker.pid" ||
  { tail -n 20 "$dir/broker.out" "$dir/broker.log" >&2 || true; exit 1; }
wait_until "$START_TIMEOUT" "the broker of $NODE to answer on $FLUX_URI" flux_up ||
  { tail -n 20 "$dir/broker.out" "$dir/broker.log" >&2 || true; exit 1; }
jq -cn --arg node "$NODE" --argjson pid "$(<"$dir/broker.pid")" --argjson rank "$(flux getattr rank)" \
  '{node:$node,broker:"up",pid:$pid,rank:$rank}'
