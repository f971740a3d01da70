# shellcheck shell=bash
# Start the Flux scheduler sampler on rank 0: takes Fluxion's module stats and the queue status ("before"), then
# every INTERVAL_MS appends one JSON line of job counts (`flux jobs --stats-only`'s line) and per-node core
# allocation (`flux resource list`, asked again when the counts changed or 10 s passed), and at most every
# STATS_INTERVAL_SECONDS another stats snapshot ("during") — sparse, as SLURM's sdiag is. Prints {"pid":…}.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${SAMPLER_DIR:?directory of this run samples on rank 0}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${STATS_INTERVAL_SECONDS:?seconds between stats snapshots}"
skip_if_done
# When this run's sampling began, by this node's clock: the submit stage's idle gap counts from here.
started_at="$EPOCHREALTIME"
flux_env
install -d -m 0755 "$SAMPLER_DIR" "$SAMPLER_DIR/stats"
if pid_alive "$SAMPLER_DIR/sampler.pid" bash; then
  printf '{"pid":%s,"running":true}\n' "$(<"$SAMPLER_DIR/sampler.pid")"
  exit 0
fi

# stats_snapshot PHASE : lib.sh's Fluxion snapshot, named by phase and time.
stats_snapshot() { fluxion_snapshot >"$SAMPLER_DIR/stats/$1-$EPOCHREALTIME.json"; }
stats_snapshot before

# job_counts : the line `flux jobs --stats-only` prints, from the same job-list statistics read by the C
# `flux job stats` (the Python command's start-up cost ~0.15 CPU-s each second on rank 0's node, beside the jobs).
# Sums as flux-core's JobStats does: pending = depend+priority+sched, running = run+cleanup, failed counts
# timeouts and cancellations too.
job_counts() {
  flux job stats 2>/dev/null | jq -r '.job_states as $s
    | "\($s.run + $s.cleanup) running, \(.successful) completed, \(.failed + .timeout + .canceled) failed, "
      + "\($s.depend + $s.priority + $s.sched) pending, \(.inactive_purged) inactive purged"' 2>/dev/null || true
}

sample_loop() {
  local fifo="$SAMPLER_DIR/tick" interval next_stats next_nodes=0 counts last_counts=x nodes='' line stopping=''
  echo "$BASHPID" >"$SAMPLER_DIR/sampler.pid"
  trap 'exit 0' TERM
  rm -f "$fifo"; mkfifo "$fifo"; exec 3<>"$fifo"
  interval="$((INTERVAL_MS / 1000)).$(printf '%03d' $((INTERVAL_MS % 1000)))"
  next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
  while true; do
    counts="$(job_counts)"
    if [[ "$counts" != "$last_counts" ]] || ((SECONDS >= next_nodes)); then
      nodes="$(flux resource list -s free,allocated,down -no '{state}|{rlist}' 2>/dev/null | paste -sd ';' || true)"
      last_counts="$counts"
      next_nodes=$((SECONDS + 10))
    fi
    jq -cn --argjson t "$EPOCHREALTIME" --arg counts "$counts" --arg nodes "$nodes" \
      '{t:$t,counts:$counts,nodes:$nodes}' >>"$SAMPLER_DIR/samples.jsonl"
    [[ -z "$stopping" ]] || exit 0
    if ((SECONDS >= next_stats)); then
      stats_snapshot during
      next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
    fi
    # `stop` on the tick FIFO (sampler-stop.sh) ends the wait at once; one last sample follows.
    if read -r -t "$interval" -u 3 line && [[ "$line" == stop ]]; then stopping=1; fi
  done
}

: >"$SAMPLER_DIR/samples.jsonl"
rm -f "$SAMPLER_DIR/sampler.pid"
export SAMPLER_DIR INTERVAL_MS STATS_INTERVAL_SECONDS
setsid bash -c "$(declare -f sample_loop stats_snapshot fluxion_snapshot job_counts); sample_loop" flux-sampler </dev/null >>"$SAMPLER_DIR/sampler.log" 2>&1 &
wait_until 10 "the sampler to write its pid file" test -s "$SAMPLER_DIR/sampler.pid"
printf '{"pid":%s,"startedAt":%s}\n' "$(<"$SAMPLER_DIR/sampler.pid")" "$started_at"
