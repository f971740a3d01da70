# shellcheck shell=bash
# Cancel every job of the instance and wait (bounded) until none is active: the first step of tearing the
# cluster down. Succeeds when the instance is already gone. Prints one JSON line.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${STOP_TIMEOUT:=20}"
flux_env
if ! flux_up; then
  printf '{"cancelled":0,"instance":"absent"}\n'
  exit 0
fi
active() { flux jobs -n -o '{id}' 2>/dev/null || true; }
n="$(active | grep -c . || true)"
((n == 0)) || flux cancel --all >&2 || true
none_active() { [[ -z "$(active)" ]]; }
wait_until "$STOP_TIMEOUT" "the instance's jobs to end" none_active || log "jobs still active; the brokers' stop ends them"
printf '{"cancelled":%d}\n' "$n"
