# shellcheck shell=bash
# Helpers prepended to every SLURM script (components/slurm/script.ts): logging, bounded waits, stopping a
# daemon by the PID in its pid file. Not run on its own.

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "$*"; exit 1; }

# wait_until SECONDS DESCRIPTION CMD... : poll CMD every 0.1 s until it succeeds or SECONDS pass.
wait_until() {
  local limit="$1" what="$2" deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${limit}s waiting for ${what}"
      return 1
    fi
    sleep 0.1
  done
}

# pid_alive PIDFILE COMM : the pid file names a live process whose command is COMM (guards against reuse).
pid_alive() {
  local pidfile="$1" comm="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" ]] || return 1
  [[ "$(<"/proc/$pid/comm")" == "$comm" ]]
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_pidfile PIDFILE COMM TIMEOUT : SIGTERM, bounded wait, then SIGKILL; removes the pid file.
stop_pidfile() {
  local pidfile="$1" comm="$2" limit="$3" pid
  if pid_alive "$pidfile" "$comm"; then
    pid="$(<"$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "$limit" "$comm ($pid) to exit after SIGTERM" pid_gone "$pid"; then
      log "sending SIGKILL to $comm ($pid)"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 5 "$comm ($pid) to exit after SIGKILL" pid_gone "$pid" || true
    fi
  fi
  rm -f "$pidfile"
}

# json_escape TEXT : TEXT as a JSON string (with quotes).
json_escape() { jq -Rn --arg v "$1" '$v'; }

# kill_cluster_processes CONF : SIGKILL what is left of this cluster here (job steps, their children): the
# processes whose environment carries SLURM_CONF=CONF and that share this shell's network namespace
# (jobs inherit it from sbatch, slurmstepd from slurmd).
kill_cluster_processes() {
  local conf="$1" netns f pid
  netns="$(readlink /proc/self/ns/net)"
  for f in $(grep -lzxF "SLURM_CONF=$conf" /proc/[0-9]*/environ 2>/dev/null || true); do
    pid="${f#/proc/}"; pid="${pid%/environ}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    [[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" == "$netns" ]] || continue
    # The controller's daemons carry SLURM_CONF too; their own stop script ends them gracefully.
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in slurmctld | slurmdbd | slurmscriptd) continue ;; esac
    log "killing leftover process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
    kill -KILL "$pid" 2>/dev/null || true
  done
}
