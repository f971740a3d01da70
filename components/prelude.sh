# shellcheck shell=bash
# Helpers prepended to every script schedbench runs on a node (components/script.ts): logging, bounded waits,
# stopping a process by the PID in its pid file, the skip of a run that already has its result. Not run on its own.

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "$*"; exit 1; }

# wait_until SECONDS DESCRIPTION CMD... : poll CMD until it succeeds or SECONDS pass — after 10, 20, 50 ms, then
# every 0.1 s: what is ready at once (a sampler's pid file) is seen at once, a long wait costs no more polls.
wait_until() {
  local limit="$1" what="$2" deadline pause=0.01
  shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${limit}s waiting for ${what}"
      return 1
    fi
    sleep "$pause"
    case "$pause" in 0.01) pause=0.02 ;; 0.02) pause=0.05 ;; *) pause=0.1 ;; esac
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

# pid_gone PID : the process has exited (a zombie waiting for its parent to reap it counts as exited).
pid_gone() {
  local stat
  kill -0 "$1" 2>/dev/null || return 0
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  [[ "${stat%% *}" == Z ]]
}

# stop_pidfile PIDFILE COMM TIMEOUT : SIGTERM, bounded wait, then SIGKILL; removes the pid file.
stop_pidfile() {
  local pidfile="$1" comm="$2" limit="$3" pid
  # The file may go between the check and the read (a daemon removes its own as it exits): then it is gone.
  if pid_alive "$pidfile" "$comm" && pid="$(cat "$pidfile" 2>/dev/null)"; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "$limit" "$comm ($pid) to exit after SIGTERM" pid_gone "$pid"; then
      log "sending SIGKILL to $comm ($pid)"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 5 "$comm ($pid) to exit after SIGKILL" pid_gone "$pid" || true
    fi
  fi
  rm -f "$pidfile"
}

# stop_sampler DIR : ask the sampler of DIR to take its last sample and exit (a `stop` line on its tick FIFO,
# opened read-write so it never blocks), then stop it by PID, bounded, should it not have exited.
stop_sampler() {
  local dir="$1"
  if pid_alive "$dir/sampler.pid" bash && [[ -p "$dir/tick" ]]; then
    exec 4<>"$dir/tick"
    printf 'stop\n' >&4
    exec 4>&-
    wait_until 5 "the sampler of $dir to take its last sample and exit" pid_gone "$(<"$dir/sampler.pid")" || true
  fi
  stop_pidfile "$dir/sampler.pid" bash 5
}

# json_escape TEXT : TEXT as a JSON string (with quotes).
json_escape() { jq -Rn --arg v "$1" '$v'; }

# skip_if_done : a run whose result is already written (SCHEDBENCH_SKIP=done) does nothing and says so.
skip_if_done() {
  if [[ "${SCHEDBENCH_SKIP:-}" == "done" ]]; then
    printf '{"skipped":true}\n'
    exit 0
  fi
}

# now_us : NOW_US = this node's clock in µs since the epoch (no subprocess).
now_us() { local t="$EPOCHREALTIME"; NOW_US=$((10#${t%.*}${t#*.})); }

# now_iso : this node's clock as an ISO 8601 UTC time with milliseconds (a submit stage's window).
now_iso() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# sleep_until_us T : sleep until this node's clock reaches T (µs since the epoch); at once when it has.
sleep_until_us() {
  now_us
  local d=$(($1 - NOW_US))
  if ((d > 0)); then sleep "$((d / 1000000)).$(printf '%06d' $((d % 1000000)))"; fi
}

# idle_gap_deadline : IDLE_UNTIL_US = when a run's idle gap ends (µs, this node's clock): IDLE_GAP_SECONDS after
# IDLE_FROM — when the run's samplers started, epoch seconds by this node's clock, given by the run loop — or
# after now without it. The samplers' own start then happens inside the gap instead of before it.
idle_gap_deadline() {
  local from_us gap_us
  now_us
  from_us=$NOW_US
  if [[ "${IDLE_FROM:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    from_us="$(awk -v s="$IDLE_FROM" 'BEGIN{printf "%.0f", s * 1000000}')"
    ((from_us <= NOW_US)) || from_us=$NOW_US
  fi
  gap_us="$(awk -v s="${IDLE_GAP_SECONDS:-0}" 'BEGIN{printf "%.0f", s * 1000000}')"
  # shellcheck disable=SC2034 # read by the script that calls it
  IDLE_UNTIL_US=$((from_us + gap_us))
}

# job_files_json DIR : the job files a scheduler's job wrapper wrote in DIR — <jobid>.times and <jobid>.yaml
# (stress-ng's metrics) — as one JSON document {"metrics":{"<jobid>":"<yaml>"},"times":{"<jobid>":"<lines>"}}.
job_files_json() {
  local -a files
  shopt -s nullglob
  files=("$1"/*.yaml "$1"/*.times)
  shopt -u nullglob
  if ((${#files[@]} == 0)); then
    printf '{"metrics":{},"times":{}}\n'
    return 0
  fi
  jq -cnR 'reduce inputs as $l ({metrics: {}, times: {}};
    (input_filename | sub(".*/"; "")) as $f
    | if ($f | endswith(".yaml")) then .metrics[$f | sub("\\.yaml$"; "")] += $l + "\n"
      else .times[$f | sub("\\.times$"; "")] += $l + "\n" end)' "${files[@]}"
}

# stats_snapshots_json DIR : the scheduler sampler's snapshots in DIR, files named <phase>-<epoch time>.json, as
# one JSON array in file order, each document with its phase and time (t) added. Through files, not
# arguments: a long run's snapshots exceed the kernel's limit on one argument.
stats_snapshots_json() {
  local f base
  local -a files
  shopt -s nullglob
  files=("$1"/*.json)
  shopt -u nullglob
  for f in "${files[@]}"; do
    base="${f##*/}"; base="${base%.json}"
    jq -c --arg phase "${base%%-*}" --arg t "${base#*-}" '{phase: $phase, t: ($t | tonumber)} + .' "$f"
  done | jq -cs .
}
