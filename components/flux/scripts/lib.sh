# shellcheck shell=bash
# Flux helpers, prepended to every Flux script after components/prelude.sh and the stage library
# (components/stages.sh; components/flux/script.ts). Not run on its own.

# flux_env : check ROOT and FLUX_PREFIX, put the installation's commands first on PATH, speak to the instance
# through FLUX_URI when given (rank 0's local socket), print job ids in plain ASCII (`f…`, not `ƒ…`) and mark
# every process this cluster starts (brokers, job shells, jobs) with SCHEDBENCH_FLUX_ROOT so its stop finds them
# (the stage library's kill_marked_processes).
flux_env() {
  : "${ROOT:?cluster state directory}"
  : "${FLUX_PREFIX:?Flux installation prefix}"
  export PATH="$FLUX_PREFIX/bin:$PATH" FLUX_F58_FORCE_ASCII=1 SCHEDBENCH_FLUX_ROOT="$ROOT"
}

# flux_up : the instance answers on FLUX_URI.
flux_up() { flux getattr rank >/dev/null 2>&1; }

# broker_alive PIDFILE : the pid file names a live Flux broker. A broker renames itself `flux-broker-<rank>` once
# it knows its rank (plain `flux-broker` before), so prelude's pid_alive with one fixed name does not fit.
broker_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(<"$1")"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/comm" ]] || return 1
  [[ "$(<"/proc/$pid/comm")" == flux-broker* ]]
}

# stop_broker PIDFILE TIMEOUT : SIGTERM, bounded wait, then SIGKILL; removes the pid file.
stop_broker() {
  local pid
  if broker_alive "$1"; then
    pid="$(<"$1")"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "$2" "the broker ($pid) to exit after SIGTERM" pid_gone "$pid"; then
      log "sending SIGKILL to the broker ($pid)"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 5 "the broker ($pid) to exit after SIGKILL" pid_gone "$pid" || true
    fi
  fi
  rm -f "$1"
}

# fluxion_snapshot [PHASE] : Fluxion's qmanager and resource module stats and the queue status, as one JSON
# document {"qmanager":…,"resource":…,"queue":…}: the scheduler sampler's statistics snapshot (the --snapshot of the
# stage library's sampler_start and sampler_stop, which store it by phase and time; the phase changes nothing here).
fluxion_snapshot() {
  jq -cn --arg q "$(flux module stats sched-fluxion-qmanager 2>/dev/null || echo '{}')" \
    --arg r "$(flux module stats sched-fluxion-resource 2>/dev/null || echo '{}')" \
    --arg queue "$(flux queue status -v 2>&1 || true)" \
    '{qmanager: $q, resource: $r, queue: $queue}'
}
