# shellcheck shell=bash
# Flux helpers, prepended after components/prelude.sh to every Flux script (components/flux/script.ts). Not run
# on its own.

# flux_env : check ROOT and FLUX_PREFIX, put the installation's commands first on PATH, speak to the instance
# through FLUX_URI when given (rank 0's local socket), print job ids in plain ASCII (`f…`, not `ƒ…`) and mark
# every process this cluster starts (brokers, job shells, jobs) with SCHEDBENCH_FLUX_ROOT so its stop finds them.
flux_env() {
  : "${ROOT:?cluster state directory}"
  : "${FLUX_PREFIX:?Flux installation prefix}"
  export PATH="$FLUX_PREFIX/bin:$PATH" FLUX_F58_FORCE_ASCII=1 SCHEDBENCH_FLUX_ROOT="$ROOT"
}

# flux_up : the instance answers on FLUX_URI.
flux_up() { flux getattr rank >/dev/null 2>&1; }

# kill_cluster_processes : SIGKILL what is left of this cluster in this network namespace (job shells, jobs,
# brokers that ignored SIGTERM): the processes whose environment carries SCHEDBENCH_FLUX_ROOT=$ROOT.
kill_cluster_processes() {
  local netns f pid
  netns="$(readlink /proc/self/ns/net)"
  for f in $(grep -lzxF "SCHEDBENCH_FLUX_ROOT=$ROOT" /proc/[0-9]*/environ 2>/dev/null || true); do
    pid="${f#/proc/}"; pid="${pid%/environ}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" || "$pid" == "$PPID" ]] && continue
    [[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" == "$netns" ]] || continue
    log "killing leftover process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
    kill -KILL "$pid" 2>/dev/null || true
  done
}

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

# fluxion_snapshot : Fluxion's qmanager and resource module stats and the queue status, as one JSON document
# {"qmanager":…,"resource":…,"queue":…} (the scheduler sampler's snapshots).
fluxion_snapshot() {
  jq -cn --arg q "$(flux module stats sched-fluxion-qmanager 2>/dev/null || echo '{}')" \
    --arg r "$(flux module stats sched-fluxion-resource 2>/dev/null || echo '{}')" \
    --arg queue "$(flux queue status -v 2>&1 || true)" \
    '{qmanager: $q, resource: $r, queue: $queue}'
}
