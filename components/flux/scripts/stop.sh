# shellcheck shell=bash
# Stop this node's broker: rank 0 shuts the whole instance down (`flux shutdown`), any other rank is stopped by
# SIGTERM; both bounded, then SIGKILL, then whatever of the cluster is left in this node (job shells, jobs) is
# killed. Its run and state directories go with it. Safe on a half-made node. Prints one JSON line.
set -euo pipefail
: "${NODE:?node name}"
: "${RANK:?rank of this node}"
: "${STOP_TIMEOUT:=20}"
flux_env
dir="$ROOT/nodes/$NODE"
export FLUX_URI="local://$dir/run/local"
how=absent
if broker_alive "$dir/broker.pid"; then
  how=sigterm
  if [[ "$RANK" == 0 ]] && flux_up; then
    if timeout "$STOP_TIMEOUT" flux shutdown --quiet >&2; then how=shutdown; else log "flux shutdown failed or timed out"; fi
  fi
fi
stop_broker "$dir/broker.pid" "$STOP_TIMEOUT"
# Brokers, job shells and jobs inherit the cluster's marker (lib.sh's flux_env).
kill_marked_processes "SCHEDBENCH_FLUX_ROOT=$ROOT"
rm -rf "${dir:?}/run" "${dir:?}/state"
jq -cn --arg node "$NODE" --arg how "$how" '{node:$node,broker:"stopped",how:$how}'
