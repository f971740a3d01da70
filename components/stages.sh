# shellcheck shell=bash
# The stage library: what every scheduler's node scripts share, so that a scheduler folder's scripts keep only
# the commands of their own scheduler. components/script.ts (schedulerScript) puts it after components/prelude.sh
# (log, die, wait_until, pid files, stop_sampler, …) and before the folder's own lib.sh. Not run on its own.
#
#   plan_arrivals MODE         the line plan (stdin) → its submissions in arrival order
#   submit_jobs MODE CMD       the submit stage: idle gap, each submission at its time, the SubmitOutput
#   wait_for_jobs OPTION…      the wait stage: bounded polls, scheduler-lost grace, lost nodes, timeout and cancel
#   left_by_name LABEL SEP CMD…  a --left for wait_for_jobs: the run's jobs among CMD's `id SEP name` lines
#   expected_nodes             EXPECTED_NODES into `names`, `want_cpus`, `want_mem` (the validate stage)
#   await_node_state STATE READ ARRAY WHO  the validate stage's wait for every node to be in STATE
#   sampler_start OPTION…      the scheduler sampler's start stage: a background loop of samples and snapshots
#   sampler_stop [OPTION…]     its stop stage: last sample, the "after" snapshot
#   missing_packages PKG…      Debian packages that are not installed
#   install_packages PKG…      install the missing ones, one install at a time per host
#   package_version PKG        an installed package's version
#   machine_facts              this node's OS, kernel, host name and CPUs, as JSON
#   with_lock NAME CMD…        CMD holding the lock /run/schedbench/lock/NAME.lock
#   lock_dir                   that lock directory (root's own; SCHEDBENCH_LOCK_DIR in tests)
#   drop_lock NAME             remove that lock file (a cluster's delete)
#   write_file PATH MODE [OWNER]  stdin to PATH, atomically
#   kill_marked_processes NAME=VALUE [COMM…]  SIGKILL what a cluster left on this node
#
# Every function is safe under `set -euo pipefail`, takes its inputs from its arguments and the environment, prints
# what it produces on stdout (one JSON document, or lines a script reads) and its diagnostics on stderr. Where a
# scheduler supplies a piece (a question to its scheduler, a cancel, a sample), it passes the name of a command —
# usually a shell function of its script — and the function's interface below says what that command gets and
# must do. Bash scopes variables dynamically: a command the library calls sees the library's locals, so those are
# named `_w_…`, `_s_…`, `_l_…` and never hide the script's own variables (keep the command's own variables local).

# ---------------------------------------------------------------------------------------------------------------
# Arrivals

# plan_arrivals MODE : the line plan on stdin — one line per job spec, `specIndex count offsetSeconds
# intervalSeconds nodes tasksPerNode cpus memoryMiB timeLimitMinutes priority kind args…` (components/jobs/plan.ts
# renderPlan; explicit arrivals carry a comma-separated list of offsets as field 3 and `-` as field 4) — as the
# submissions of the run in arrival order on stdout, one line each:
#
#   atMicroseconds specIndex firstCopy copies lineNumber
#
#   atMicroseconds  when to submit, in µs after the submission window opens: for copy k of a spec,
#                   floor((offsetSeconds + intervalSeconds × k) × 10⁶ + 0.5) in IEEE doubles (nearest µs), or
#                   floor(offsets[k] × 10⁶ + 0.5) for explicit arrivals;
#   specIndex       the spec's index (the plan's first field);
#   firstCopy       the first copy this submission makes; copies k = firstCopy … firstCopy + copies − 1;
#   copies          how many jobs this submission makes;
#   lineNumber      the spec's 0-based line in the plan: the index into `mapfile -t specs <<<"$PLAN"`.
#
# MODE `each`: one submission per job (copies is 1). MODE `burst`: the jobs of a spec that all arrive at once
# (interval 0) are one submission (firstCopy 0, copies = count), so a burst measures the scheduler's ingest and
# not the submit loop; jobs that trickle in, or arrive at explicit offsets, are one submission each. Submissions due at the same µs keep the
# plan's order (spec line, then copy). components/jobs/plan.ts arrivalEvents computes the same events
# (test/unit/stages holds the two equal).
plan_arrivals() {
  local burst
  case "${1:-}" in
    each) burst=0 ;;
    burst) burst=1 ;;
    *)
      log "plan_arrivals: MODE must be each or burst, got '${1:-}'"
      return 2
      ;;
  esac
  # awk's numbers are IEEE doubles, as TypeScript's: the same text gives the same µs. `%.0f` of an integral value
  # prints it exactly (mawk's %d stops at 2³¹).
  awk -v burst="$burst" '
    function at(seconds) { return int(seconds * 1000000 + 0.5) }
    NF >= 4 && $2 > 0 && $4 == "-" {
      n = split($3, offsets, ",")
      for (k = 0; k < $2 && k < n; k++) printf "%.0f %s %d 1 %d\n", at(offsets[k + 1]), $1, k, NR - 1
      next
    }
    NF >= 4 && $2 > 0 {
      if (burst && $4 == 0) printf "%.0f %s 0 %d %d\n", at($3), $1, $2, NR - 1
      else for (k = 0; k < $2; k++) printf "%.0f %s %d 1 %d\n", at($3 + $4 * k), $1, k, NR - 1
    }' | sort -n -s -k1,1
}

# submit_jobs MODE CMD : the submit stage. Waits out the run's idle gap (prelude's idle_gap_deadline: IDLE_GAP_SECONDS
# from IDLE_FROM), then makes the submissions of `plan_arrivals MODE` over PLAN, each at its time, and prints the
# SubmitOutput (components/schedulers/contract.ts):
#
#   {"startedAt":<ISO>,"endedAt":<ISO>,"jobs":[{"id":…,"specIndex":…,"name":…,"submittedAt":<epoch s, µs>},…]}
#
# Copy k of spec s is named <JOB_PREFIX>s<s>-<k>. The scheduler's piece, called once per submission:
#
#   CMD NAME_PREFIX FIRST COPIES FIELD…   submits copies FIRST … FIRST+COPIES−1 of the spec whose plan line's
#                                         fields are FIELD… (specIndex count offsetSeconds intervalSeconds nodes
#                                         tasksPerNode cpus memoryMiB timeLimitMinutes priority kind args…: CMD's
#                                         arguments 4 … 14, then the args), copy k named NAME_PREFIX<k>; prints
#                                         the scheduler's id of each, one per line, in copy order; fails on an error.
#
# It runs in a subshell (its variables do not outlive the call). Environment: PLAN, JOB_PREFIX, IDLE_GAP_SECONDS.
submit_jobs() {
  local _j_mode="${1:?submit_jobs: MODE}" _j_submit="${2:?submit_jobs: CMD}"
  local _j_specs _j_events _j_fields _j_ids _j_out _j_json='' _j_t0 _j_at _j_at_us _j_spec _j_first _j_copies _j_line
  local _j_prefix _j_k _j_submitted
  : "${PLAN:?job plan}"
  : "${JOB_PREFIX:?job name prefix carrying the run id}"
  idle_gap_deadline
  mapfile -t _j_specs <<<"$PLAN"
  _j_events="$(plan_arrivals "$_j_mode" <<<"$PLAN")"
  sleep_until_us "$IDLE_UNTIL_US"
  _j_at="$(now_iso)"
  now_us
  _j_t0=$NOW_US
  while read -r _j_at_us _j_spec _j_first _j_copies _j_line; do
    [[ -n "$_j_at_us" ]] || continue
    read -r -a _j_fields <<<"${_j_specs[$_j_line]}"
    _j_prefix="${JOB_PREFIX}s${_j_spec}-"
    ((_j_at_us == 0)) || sleep_until_us $((_j_t0 + _j_at_us))
    _j_submitted="$EPOCHREALTIME"
    _j_out="$("$_j_submit" "$_j_prefix" "$_j_first" "$_j_copies" "${_j_fields[@]}")"
    mapfile -t _j_ids <<<"$_j_out"
    [[ -n "$_j_out" ]] || _j_ids=()
    ((${#_j_ids[@]} == _j_copies)) ||
      die "submit of spec $_j_spec returned ${#_j_ids[@]} job id(s), expected $_j_copies"
    for _j_k in "${!_j_ids[@]}"; do
      _j_json+="${_j_json:+,}{\"id\":\"${_j_ids[$_j_k]}\",\"specIndex\":$_j_spec,"
      _j_json+="\"name\":\"${_j_prefix}$((_j_first + _j_k))\",\"submittedAt\":$_j_submitted}"
    done
  done <<<"$_j_events"
  printf '{"startedAt":"%s","endedAt":"%s","jobs":[%s]}\n' "$_j_at" "$(now_iso)" "$_j_json"
}

# ---------------------------------------------------------------------------------------------------------------
# The bounded wait

# wait_for_jobs OPTION… : the wait stage. Asks the scheduler which jobs of the run are left — at once (a run already
# over ends there), then after pauses of 10, 20, 50 and 100 ms, then every POLL_SECONDS (a pause not shorter than it
# is skipped) — until none is, bounded by TIMEOUT_SECONDS, and prints one WaitOutput (components/schedulers/
# contract.ts):
#
#   {"timedOut":false,"waitedSeconds":N}                            no job of the run is left
#   {"timedOut":false,"waitedSeconds":N,"schedulerLost":"<error>"}  the scheduler has not answered for
#                                                                   CONTROLLER_GRACE_SECONDS in a row
#   {"timedOut":false,"waitedSeconds":N,"lostNodes":["n2",…]}       every job left is on a node the scheduler lost
#   {"timedOut":true,"waitedSeconds":N,"cancelled":["id",…]}        the bound passed: the jobs left were cancelled
#                                                                   and waited for (at most CANCEL_WAIT_SECONDS)
#
# waitedSeconds: whole seconds since the call. The scheduler's pieces:
#   --left CMD        required. Adds the ids of the run's jobs still queued or running to the array `left` (empty
#                     when CMD is called) and returns 0; when the scheduler does not answer, returns non-zero with
#                     `left_error` set to what it said, naming the command ("squeue: <its last line>"): an
#                     unanswered question is not an empty queue. Called in a condition, so `set -e` does not stop
#                     inside it: check each step (`x="$(cmd)" || { left_error=…; return 1; }`).
#   --cancel CMD      required. `CMD ID…` cancels those jobs; called once, on timeout, only with at least one id. Its
#                     stdout goes to stderr; its failure is logged, the wait for the jobs to go follows anyway.
#   --lost-nodes CMD  optional. `CMD ID…` (the jobs left) returns 0, with the array `lost` set to the lost nodes,
#                     when none of those jobs can ever finish (each is on a node the scheduler lost); asked every
#                     NODE_CHECK_SECONDS while jobs are left.
#   --before CMD      optional. `CMD SECONDS` runs once as the wait begins, SECONDS being the bound: a blocking wait
#                     of the scheduler's own (Flux: `timeout "$1" flux job wait --all`) that the polls then confirm.
#                     Its status is not judged; its time counts in the bound and in waitedSeconds.
#   --scheduler TEXT  how messages name the scheduler ("slurmctld"); default "the scheduler".
# Environment: TIMEOUT_SECONDS (required, whole seconds), POLL_SECONDS (0.5), CONTROLLER_GRACE_SECONDS (20),
# NODE_CHECK_SECONDS (5), CANCEL_WAIT_SECONDS (30).
wait_for_jobs() {
  local _w_left='' _w_cancel='' _w_lost='' _w_before='' _w_who='the scheduler'
  while (($# > 0)); do
    case "$1" in
      --left | --cancel | --lost-nodes | --before | --scheduler)
        if (($# < 2)); then
          log "wait_for_jobs: $1 needs a value"
          return 2
        fi
        case "$1" in
          --left) _w_left="$2" ;;
          --cancel) _w_cancel="$2" ;;
          --lost-nodes) _w_lost="$2" ;;
          --before) _w_before="$2" ;;
          --scheduler) _w_who="$2" ;;
        esac
        shift 2
        ;;
      *)
        log "wait_for_jobs: unknown option '$1'"
        return 2
        ;;
    esac
  done
  if [[ -z "$_w_left" || -z "$_w_cancel" ]]; then
    log "wait_for_jobs: --left and --cancel are required"
    return 2
  fi
  : "${TIMEOUT_SECONDS:?bound of the wait (s)}"
  local _w_poll="${POLL_SECONDS:-0.5}" _w_grace="${CONTROLLER_GRACE_SECONDS:-20}"
  local _w_node_check="${NODE_CHECK_SECONDS:-5}" _w_cancel_wait="${CANCEL_WAIT_SECONDS:-30}" _w_poll_ms _w_ms
  _w_whole_seconds TIMEOUT_SECONDS "$TIMEOUT_SECONDS" CONTROLLER_GRACE_SECONDS "$_w_grace" \
    NODE_CHECK_SECONDS "$_w_node_check" CANCEL_WAIT_SECONDS "$_w_cancel_wait" || return 2
  if ! _w_poll_ms="$(_w_milliseconds "$_w_poll")" || ((_w_poll_ms == 0)); then
    log "wait_for_jobs: POLL_SECONDS must be a positive number of seconds, got '$_w_poll'"
    return 2
  fi
  # Read and written by the scheduler's commands (dynamic scope): see --left and --lost-nodes.
  local -a left=() lost=() _w_cancelled=() _w_pauses=()
  local left_error='' _w_unanswered_since='' _w_t0 _w_deadline _w_next_node_check
  for _w_ms in 10 20 50 100; do
    if ((_w_ms < _w_poll_ms)); then _w_pauses+=("0.$(printf '%03d' "$_w_ms")"); fi
  done

  _w_t0=$SECONDS
  _w_deadline=$((SECONDS + TIMEOUT_SECONDS))
  _w_next_node_check=$((SECONDS + _w_node_check))
  if [[ -n "$_w_before" ]]; then "$_w_before" "$TIMEOUT_SECONDS" || true; fi
  while true; do
    if _w_ask && ((${#left[@]} == 0)); then
      printf '{"timedOut":false,"waitedSeconds":%d}\n' $((SECONDS - _w_t0))
      return 0
    fi
    if [[ -n "$_w_unanswered_since" ]] && ((SECONDS - _w_unanswered_since >= _w_grace)); then
      log "$_w_who has not answered for ${_w_grace}s: ${left_error}"
      jq -cn --argjson w $((SECONDS - _w_t0)) --arg e "$left_error" \
        '{timedOut: false, waitedSeconds: $w, schedulerLost: $e}'
      return 0
    fi
    if [[ -n "$_w_lost" ]] && ((${#left[@]} > 0 && SECONDS >= _w_next_node_check)); then
      _w_next_node_check=$((SECONDS + _w_node_check))
      if "$_w_lost" "${left[@]}"; then
        log "node(s) ${lost[*]} lost: the ${#left[@]} job(s) left there can never finish"
        jq -cn --argjson w $((SECONDS - _w_t0)) '{timedOut: false, waitedSeconds: $w, lostNodes: $ARGS.positional}' \
          --args "${lost[@]}"
        return 0
      fi
    fi
    ((SECONDS < _w_deadline)) || break
    if ((${#_w_pauses[@]} > 0)); then
      sleep "${_w_pauses[0]}"
      _w_pauses=("${_w_pauses[@]:1}")
    else
      sleep "$_w_poll"
    fi
  done
  _w_cancelled=("${left[@]}")
  log "timeout after ${TIMEOUT_SECONDS}s: cancelling ${#_w_cancelled[@]} job(s)"
  if ((${#_w_cancelled[@]} > 0)); then
    "$_w_cancel" "${_w_cancelled[@]}" >&2 || log "cancelling ${_w_cancelled[*]} failed"
    wait_until "$_w_cancel_wait" "the cancelled jobs to end" _w_none_left || log "jobs still left: ${left[*]}"
  fi
  printf '{"timedOut":true,"waitedSeconds":%d,"cancelled":%s}\n' $((SECONDS - _w_t0)) \
    "$(jq -cn '$ARGS.positional' --args "${_w_cancelled[@]}")"
}

# _w_ask : wait_for_jobs' question to the scheduler (its --left command), noting since when it goes unanswered.
_w_ask() {
  left=()
  left_error=''
  if "$_w_left"; then
    _w_unanswered_since=''
    return 0
  fi
  left=()
  [[ -n "$left_error" ]] || left_error="$_w_left: no answer"
  [[ -n "$_w_unanswered_since" ]] || _w_unanswered_since=$SECONDS
  return 1
}

# _w_none_left : no job of the run is left (and the scheduler said so).
_w_none_left() { _w_ask && ((${#left[@]} == 0)); }

# _w_whole_seconds NAME VALUE… : every VALUE is a whole number of seconds; else says which NAME is not.
_w_whole_seconds() {
  while (($# >= 2)); do
    if [[ ! "$2" =~ ^[0-9]+$ ]]; then
      log "wait_for_jobs: $1 must be whole seconds, got '$2'"
      return 1
    fi
    shift 2
  done
}

# _w_milliseconds SECONDS : decimal seconds (`0.5`, `2`, `0.125`) as whole milliseconds on stdout.
_w_milliseconds() {
  local whole frac
  [[ "$1" =~ ^([0-9]+)(\.([0-9]+))?$ ]] || return 1
  whole="${BASH_REMATCH[1]}"
  frac="${BASH_REMATCH[3]}000"
  printf '%d\n' $((10#$whole * 1000 + 10#${frac:0:3}))
}

# left_by_name LABEL SEP CMD… : a `--left` for wait_for_jobs when the scheduler lists its jobs by name. Runs CMD,
# which prints one line per job it knows, `id<SEP>name`, and adds to `left` the ids of those whose name starts with
# JOB_PREFIX (the run's: submit_jobs names them so). When CMD fails, sets left_error to "LABEL: <its last line>" and
# fails: an unanswered question is not an empty queue.
left_by_name() {
  local _q_label="$1" _q_sep="$2" _q_out _q_id _q_name
  shift 2
  if ! _q_out="$("$@" 2>&1)"; then
    # shellcheck disable=SC2034 # read by wait_for_jobs
    left_error="$_q_label: $(tail -n 1 <<<"$_q_out")"
    return 1
  fi
  while IFS="$_q_sep" read -r _q_id _q_name; do
    if [[ -n "$_q_id" && "$_q_name" == "${JOB_PREFIX:?job name prefix}"* ]]; then left+=("$_q_id"); fi
  done <<<"$_q_out"
}

# ---------------------------------------------------------------------------------------------------------------
# The validate stage

# expected_nodes : EXPECTED_NODES — one line per node, `name cpus [memory]`, in the unit the scheduler reports — into
# the global array `names` (in order) and the global associative arrays `want_cpus` and `want_mem` (memory empty
# when the line has none).
# shellcheck disable=SC2034 # want_cpus and want_mem are the caller's
expected_nodes() {
  local _e_name _e_cpus _e_mem
  names=()
  declare -gA want_cpus=() want_mem=()
  while read -r _e_name _e_cpus _e_mem; do
    [[ -n "$_e_name" ]] || continue
    names+=("$_e_name")
    want_cpus[$_e_name]="$_e_cpus"
    want_mem[$_e_name]="${_e_mem:-}"
  done <<<"${EXPECTED_NODES:?lines of: name cpus [memory]}"
}

# await_node_state STATE READ ARRAY WHO : waits, at most VALIDATE_TIMEOUT seconds (prelude's wait_until), until every
# node of `names` is in STATE. The scheduler's piece: READ (no arguments) fills the global associative array named
# ARRAY with each node's state as the scheduler reports it (a node it does not report is left out). Past the bound,
# dies naming the first node that is not in STATE: "WHO validate: node N is <its state, or absent>, expected STATE".
await_node_state() {
  local _n_state="$1" _n_read="$2" _n_who="$4" _n
  local -n _n_seen="$3"
  wait_until "${VALIDATE_TIMEOUT:?bound of the validation}" "every node to be $_n_state" _n_all_in_state && return 0
  for _n in "${names[@]}"; do
    [[ "${_n_seen[$_n]:-}" == "$_n_state" ]] ||
      die "$_n_who validate: node $_n is ${_n_seen[$_n]:-absent}, expected $_n_state"
  done
}

# _n_all_in_state : await_node_state's question (its locals by dynamic scope): READ again, then every node in STATE.
_n_all_in_state() {
  "$_n_read"
  local n
  for n in "${names[@]}"; do [[ "${_n_seen[$n]:-}" == "$_n_state" ]] || return 1; done
}

# ---------------------------------------------------------------------------------------------------------------
# The scheduler sampler

# sampler_start OPTION… : the scheduler sampler's start stage, on the node that asks the scheduler. In SAMPLER_DIR
# (made here, with stats/ for the snapshots): the "before" snapshot, then a loop in the background — a bash in a
# session of its own, its pid in sampler.pid — that appends a sample to samples.jsonl every INTERVAL_MS and takes a
# "during" snapshot at most every STATS_INTERVAL_SECONDS (statistics of a scheduler are sparse: SchedMD warns that
# sdiag disturbs the controller). A `stop` line on the FIFO SAMPLER_DIR/tick ends its pause at once; it then takes
# one last sample and exits (prelude's stop_sampler sends it; sampler_stop calls that). Prints
# {"pid":…,"startedAt":…} once the loop has said it runs (on a FIFO: an event, not a poll); startedAt is when
# sampling began, epoch seconds by this node's clock: the submit stage's idle gap counts from it. When a loop already
# runs, prints {"pid":…,"running":true} and does nothing else.
#   --sample CMD      required. Prints one sample, a JSON line. Runs in the loop's own process (not a subshell), so
#                     the variables it sets are still there at the next sample.
#   --snapshot CMD    optional. `CMD PHASE` (before, during, after) prints a statistics snapshot, stored whole as
#                     stats/<PHASE>-<epoch time>.<ext>; its failure is logged.
#   --ext EXT         the snapshots' file extension: json (default: prelude's stats_snapshots_json reads them), txt, ….
#   --prepare CMD     optional. Runs once here, when no loop runs yet, before the "before" snapshot (reset the
#                     scheduler's counters, record its nodes); its stdout goes to stderr.
#   --setup CMD       optional. Runs once in the loop's process, before it says it runs (start a watch the samples
#                     read). What it starts in the background it ends in an EXIT trap (SIGTERM ends the loop by
#                     `exit`); variables that trap reads must be global.
#   --name NAME       the loop's $0, as ps shows it (default scheduler-sampler).
#   --started-at T    startedAt, when sampling began before this call (the script's start, before a slow set-up of
#                     its environment); default: now.
# Environment: SAMPLER_DIR, INTERVAL_MS (whole ms), STATS_INTERVAL_SECONDS (whole s), all required. The loop is a new
# bash: it has every function the script has and its exported variables, not its other variables.
sampler_start() {
  local _s_sample='' _s_snapshot='' _s_ext=json _s_prepare='' _s_setup='' _s_name=scheduler-sampler
  local _s_started_at="$EPOCHREALTIME" _s_ready
  while (($# > 0)); do
    case "$1" in
      --sample | --snapshot | --ext | --prepare | --setup | --name | --started-at)
        if (($# < 2)); then
          log "sampler_start: $1 needs a value"
          return 2
        fi
        case "$1" in
          --sample) _s_sample="$2" ;;
          --snapshot) _s_snapshot="$2" ;;
          --ext) _s_ext="$2" ;;
          --prepare) _s_prepare="$2" ;;
          --setup) _s_setup="$2" ;;
          --name) _s_name="$2" ;;
          --started-at) _s_started_at="$2" ;;
        esac
        shift 2
        ;;
      *)
        log "sampler_start: unknown option '$1'"
        return 2
        ;;
    esac
  done
  if [[ -z "$_s_sample" ]]; then
    log "sampler_start: --sample is required"
    return 2
  fi
  : "${SAMPLER_DIR:?directory of the scheduler samples of this run}"
  : "${INTERVAL_MS:?sample interval (ms)}"
  : "${STATS_INTERVAL_SECONDS:?seconds between statistics snapshots}"
  if [[ ! "$INTERVAL_MS" =~ ^[0-9]+$ ]] || ((INTERVAL_MS == 0)) || [[ ! "$STATS_INTERVAL_SECONDS" =~ ^[0-9]+$ ]]; then
    log "sampler_start: INTERVAL_MS (positive ms) and STATS_INTERVAL_SECONDS (s) must be whole numbers"
    return 2
  fi
  if [[ ! "$_s_ext" =~ ^[a-z0-9]+$ || ! "$_s_started_at" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    log "sampler_start: --ext must be letters and digits, --started-at epoch seconds"
    return 2
  fi
  install -d -m 0755 "$SAMPLER_DIR" "$SAMPLER_DIR/stats"
  if pid_alive "$SAMPLER_DIR/sampler.pid" bash; then
    printf '{"pid":%s,"running":true}\n' "$(<"$SAMPLER_DIR/sampler.pid")"
    return 0
  fi
  if [[ -n "$_s_prepare" ]]; then "$_s_prepare" >&2; fi
  if [[ -n "$_s_snapshot" ]]; then _s_take_snapshot "$_s_snapshot" "$_s_ext" before; fi

  : >"$SAMPLER_DIR/samples.jsonl"
  rm -f "$SAMPLER_DIR/sampler.pid" "$SAMPLER_DIR/ready"
  mkfifo "$SAMPLER_DIR/ready"
  exec {_s_ready}<>"$SAMPLER_DIR/ready"
  export SAMPLER_DIR INTERVAL_MS STATS_INTERVAL_SECONDS
  # Every function of the script goes with it (the sample and snapshot commands call the folder's helpers); the
  # options travel as arguments, never spliced into the text.
  setsid bash -c "$(declare -f)"$'\n''_s_loop "$@"' "$_s_name" "$_s_sample" "$_s_snapshot" "$_s_ext" "$_s_setup" \
    </dev/null >>"$SAMPLER_DIR/sampler.log" 2>&1 {_s_ready}>&- &
  read -r -t 10 -u "$_s_ready" _ || log "the sampler did not say ready within 10 s"
  exec {_s_ready}>&-
  rm -f "$SAMPLER_DIR/ready"
  wait_until 10 "the sampler to write its pid file" test -s "$SAMPLER_DIR/sampler.pid"
  printf '{"pid":%s,"startedAt":%s}\n' "$(<"$SAMPLER_DIR/sampler.pid")" "$_s_started_at"
}

# sampler_stop [--snapshot CMD] [--ext EXT] : the scheduler sampler's stop stage: the loop of SAMPLER_DIR takes its
# last sample and exits (prelude's stop_sampler: bounded, then by PID), then `CMD after` takes the "after" snapshot
# (as sampler_start's --snapshot and --ext). Returns 1 when SAMPLER_DIR does not exist — nothing was sampled, or
# this is a second stop: the caller prints its empty document — else 0: the caller prints its document from
# SAMPLER_DIR's samples.jsonl and stats/, then removes SAMPLER_DIR.
sampler_stop() {
  local _s_snapshot='' _s_ext=json
  while (($# > 0)); do
    case "$1" in
      --snapshot | --ext)
        if (($# < 2)); then
          log "sampler_stop: $1 needs a value"
          return 2
        fi
        if [[ "$1" == --snapshot ]]; then _s_snapshot="$2"; else _s_ext="$2"; fi
        shift 2
        ;;
      *)
        log "sampler_stop: unknown option '$1'"
        return 2
        ;;
    esac
  done
  : "${SAMPLER_DIR:?directory of the scheduler samples of this run}"
  stop_sampler "$SAMPLER_DIR"
  [[ -d "$SAMPLER_DIR" ]] || return 1
  # A start that failed half-way leaves no samples: the caller's document then has none, rather than no document.
  install -d -m 0755 "$SAMPLER_DIR/stats"
  [[ -e "$SAMPLER_DIR/samples.jsonl" ]] || : >"$SAMPLER_DIR/samples.jsonl"
  if [[ -n "$_s_snapshot" ]]; then _s_take_snapshot "$_s_snapshot" "$_s_ext" after; fi
  return 0
}

# _s_take_snapshot CMD EXT PHASE : CMD's snapshot of PHASE into SAMPLER_DIR/stats/<PHASE>-<epoch time>.<EXT>.
_s_take_snapshot() {
  "$1" "$3" >"$SAMPLER_DIR/stats/$3-$EPOCHREALTIME.$2" || log "the $3 snapshot ($1) failed"
}

# _s_loop SAMPLE SNAPSHOT EXT SETUP : sampler_start's loop, in a bash of its own (see sampler_start).
_s_loop() {
  local _s_sample="$1" _s_snapshot="$2" _s_ext="$3" _s_setup="$4" _s_tick _s_ready _s_interval _s_next_stats
  local _s_line _s_stopping=''
  echo "$BASHPID" >"$SAMPLER_DIR/sampler.pid"
  trap 'exit 0' TERM
  rm -f "$SAMPLER_DIR/tick"
  mkfifo "$SAMPLER_DIR/tick"
  exec {_s_tick}<>"$SAMPLER_DIR/tick"
  if [[ -n "$_s_setup" ]]; then "$_s_setup"; fi
  # Tell the starting stage it runs (opened read-write, so this never blocks, even if nobody listens any more).
  if [[ -p "$SAMPLER_DIR/ready" ]] && exec {_s_ready}<>"$SAMPLER_DIR/ready"; then
    printf 'ready\n' >&"$_s_ready"
    exec {_s_ready}>&-
  fi
  _s_interval="$((INTERVAL_MS / 1000)).$(printf '%03d' $((INTERVAL_MS % 1000)))"
  _s_next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
  while true; do
    "$_s_sample" >>"$SAMPLER_DIR/samples.jsonl"
    [[ -z "$_s_stopping" ]] || exit 0
    if [[ -n "$_s_snapshot" ]] && ((SECONDS >= _s_next_stats)); then
      _s_take_snapshot "$_s_snapshot" "$_s_ext" during
      _s_next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
    fi
    if read -r -t "$_s_interval" -u "$_s_tick" _s_line && [[ "$_s_line" == stop ]]; then _s_stopping=1; fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Packages and provenance

# missing_packages PACKAGE… : those of the Debian packages that are not installed, one per line (dpkg-query).
missing_packages() {
  local p status
  for p in "$@"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || printf '%s\n' "$p"
  done
}

# install_packages PACKAGE… : install those of the packages that are missing — none: nothing runs, no lock is taken —
# with apt-get, without recommends, maintainer scripts kept from starting daemons (there is no init system; each
# scheduler's start scripts own its daemons). Under `with_lock apt`: netns nodes share one host and its dpkg, and
# two installs at once collide. apt's output goes to stderr; a failed install fails (under set -e, ends the script).
install_packages() {
  [[ -n "$(missing_packages "$@")" ]] || return 0
  with_lock apt _p_install_missing "$@"
}

# _p_install_missing PACKAGE… : install_packages under the lock; asks again, as another node may have installed
# them while this one waited.
_p_install_missing() {
  local -a need
  mapfile -t need < <(missing_packages "$@")
  ((${#need[@]} > 0)) || return 0
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
    "${need[@]}" >&2
}

# package_version PACKAGE : the installed version of a Debian package on stdout (fails when it is not installed).
package_version() { dpkg-query -W -f='${Version}' "$1"; }

# machine_facts : this node's facts every install stage reports for provenance, one JSON object
# {"os":…,"kernel":…,"host":…,"hostCpus":…} (components/schedulers/stages.ts MachineFacts); hostCpus are the
# machine's (netns nodes share the host's). os-release is read in a subshell: its NAME, VERSION, … stay out.
machine_facts() {
  local os
  # shellcheck source=/dev/null
  os="$(. /etc/os-release 2>/dev/null && printf '%s' "${PRETTY_NAME:-}")" || os=''
  jq -cn --arg os "${os:-unknown}" --arg kernel "$(uname -r)" --arg host "$(hostname)" \
    --argjson cpus "$(nproc --all)" '{os: $os, kernel: $kernel, host: $host, hostCpus: $cpus}'
}

# ---------------------------------------------------------------------------------------------------------------
# Locks

# with_lock NAME CMD… : run CMD in this shell while holding an exclusive flock on /run/schedbench/lock/NAME.lock,
# root's private lock directory (docs/security.md), made here with mode 0700 when missing. Refused (status 1,
# nothing opened) when that directory, or one above it, is a symlink or not a directory, or others than root (the
# user running it) own it or may change it — a sticky directory such as /tmp above it is fine — or it is not mode
# 0700; and when the lock file is a symlink or not a plain file: root must never be led to open a file someone
# planted. Waits at most LOCK_WAIT_SECONDS (900) for the lock. Returns CMD's status; under `set -e` a failing CMD
# ends the script, which releases the lock. While CMD runs the lock's descriptor is LOCK_FD: a daemon CMD starts
# must not inherit it (`setsid daemon … {LOCK_FD}>&-`), or the lock outlives the stage. NAME: letters, digits,
# `.`, `_`, `-`. SCHEDBENCH_LOCK_DIR replaces the directory, for tests (the same checks apply).
with_lock() {
  local _l_name="${1:-}" _l_dir _l_file _l_status LOCK_FD
  _l_dir="$(lock_dir)"
  if [[ ! "$_l_name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
    log "with_lock: not a lock name: '$_l_name'"
    return 2
  fi
  shift
  if (($# == 0)); then
    log "with_lock $_l_name: no command"
    return 2
  fi
  _l_private_dir "$_l_dir" || return 1
  _l_file="$_l_dir/$_l_name.lock"
  if [[ -L "$_l_file" ]] || { [[ -e "$_l_file" ]] && [[ ! -f "$_l_file" ]]; }; then
    log "with_lock: refusing $_l_file: a symlink or not a plain file"
    return 1
  fi
  exec {LOCK_FD}>>"$_l_file"
  if ! flock -w "${LOCK_WAIT_SECONDS:-900}" "$LOCK_FD"; then
    exec {LOCK_FD}>&-
    log "with_lock: could not take $_l_file within ${LOCK_WAIT_SECONDS:-900} s"
    return 1
  fi
  "$@"
  _l_status=$?
  exec {LOCK_FD}>&-
  return "$_l_status"
}

# lock_dir : the lock directory with_lock uses (and checks): /run/schedbench/lock, SCHEDBENCH_LOCK_DIR for tests. A
# stage may keep a small root-only record there, under a lock of its own.
lock_dir() { printf '%s\n' "${SCHEDBENCH_LOCK_DIR:-/run/schedbench/lock}"; }

# drop_lock NAME : remove NAME's lock file, when what it serialised is gone for good (a cluster's delete), so that
# the delete leaves nothing behind. A holder keeps its lock; a later with_lock makes the file again. Nothing to do
# when the lock directory does not exist; refused as with_lock when it is not one root can trust.
drop_lock() {
  local _l_name="${1:-}" _l_dir
  _l_dir="$(lock_dir)"
  if [[ ! "$_l_name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
    log "drop_lock: not a lock name: '$_l_name'"
    return 2
  fi
  [[ -e "$_l_dir" || -L "$_l_dir" ]] || return 0
  _l_private_dir "$_l_dir" || return 1
  rm -f -- "$_l_dir/$_l_name.lock"
}

# _l_private_dir DIR : DIR exists (made 0700 when missing) and is a lock directory root can trust (see with_lock).
_l_private_dir() {
  local _l_dir="$1" _l_d _l_owner_mode _l_uid _l_mode
  if [[ "$_l_dir" != /* || "/$_l_dir/" == */./* || "/$_l_dir/" == */../* ]]; then
    log "with_lock: refusing lock directory $_l_dir: not an absolute path without . or .."
    return 1
  fi
  if [[ ! -e "$_l_dir" && ! -L "$_l_dir" ]]; then
    (umask 022 && mkdir -p -- "$(dirname -- "$_l_dir")" && mkdir -m 0700 -- "$_l_dir") ||
      { log "with_lock: cannot make $_l_dir"; return 1; }
  fi
  _l_d="$_l_dir"
  while true; do
    if [[ -L "$_l_d" || ! -d "$_l_d" ]]; then
      log "with_lock: refusing lock directory $_l_dir: $_l_d is a symlink or not a directory"
      return 1
    fi
    _l_owner_mode="$(stat -c '%u %a' -- "$_l_d")" || return 1
    _l_uid="${_l_owner_mode% *}"
    _l_mode=$((8#${_l_owner_mode#* }))
    if [[ "$_l_d" == "$_l_dir" ]]; then
      if ((_l_uid != EUID || (_l_mode & 8#7777) != 8#700)); then
        log "with_lock: refusing lock directory $_l_dir: owner uid $_l_uid, mode $(printf '%o' "$_l_mode"); it must be uid $EUID's with mode 700"
        return 1
      fi
    elif ((_l_uid != 0 && _l_uid != EUID)) || (((_l_mode & 8#022) != 0 && (_l_mode & 8#1000) == 0)); then
      log "with_lock: refusing lock directory $_l_dir: $_l_d (owner uid $_l_uid, mode $(printf '%o' "$_l_mode")) may be changed by others"
      return 1
    fi
    [[ "$_l_d" != / ]] || return 0
    _l_d="$(dirname -- "$_l_d")"
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Files and processes

# write_file PATH MODE [OWNER] : stdin to PATH atomically — a temporary file beside it, given MODE and, when set,
# OWNER (user:group), then renamed over PATH: a daemon never reads half a file, a secret is never readable by
# others, not even for a moment.
write_file() {
  local tmp
  tmp="$(mktemp "$1.XXXXXX")"
  if ! { cat >"$tmp" && chmod "$2" "$tmp" && if [[ -n "${3:-}" ]]; then chown "$3" "$tmp"; fi; }; then
    rm -f "$tmp"
    log "write_file: could not write $1"
    return 1
  fi
  mv -f "$tmp" "$1"
}

# kill_marked_processes NAME=VALUE [COMM…] : SIGKILL what is left of a cluster on this node (job steps, job shells,
# jobs, a daemon that ignored SIGTERM): the processes whose environment holds NAME=VALUE — a marker the scheduler's
# processes inherit from the scripts that start them — and that share this shell's network namespace (on netns nodes,
# the other nodes' processes carry the same marker). Spares this script, its parent and processes whose command is
# one of COMM (daemons that their own stop script ends gracefully).
kill_marked_processes() {
  local marker="$1" netns f pid comm spared c
  shift
  netns="$(readlink /proc/self/ns/net)"
  for f in $(grep -lzxF -- "$marker" /proc/[0-9]*/environ 2>/dev/null || true); do
    pid="${f#/proc/}"
    pid="${pid%/environ}"
    if [[ "$pid" == "$$" || "$pid" == "$BASHPID" || "$pid" == "$PPID" ]]; then continue; fi
    [[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" == "$netns" ]] || continue
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || continue
    spared=''
    for c in "$@"; do [[ "$comm" != "$c" ]] || spared=1; done
    [[ -z "$spared" ]] || continue
    log "killing leftover process $pid ($comm)"
    kill -KILL "$pid" 2>/dev/null || true
  done
}
