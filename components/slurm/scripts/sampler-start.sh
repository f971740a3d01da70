# shellcheck shell=bash
# Start the SLURM scheduler sampler on the controller node: resets and takes sdiag ("before"), then every
# INTERVAL_MS appends one JSON line of queue counts (squeue) and per-node CPU allocation (sinfo, asked again
# when the queue changed or 10 s passed), and at most
# every STATS_INTERVAL_SECONDS another sdiag ("during"). sdiag is never polled fast: SchedMD warns it disturbs
# the controller. Prints {"pid":…}.
set -euo pipefail
: "${SAMPLER_DIR:?directory of this run samples on the controller}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${STATS_INTERVAL_SECONDS:?seconds between sdiag snapshots}"
skip_if_done
# When this run's sampling began, by this node's clock: the submit stage's idle gap counts from here.
started_at="$EPOCHREALTIME"
slurm_env
install -d -m 0755 "$SAMPLER_DIR" "$SAMPLER_DIR/sdiag"
if pid_alive "$SAMPLER_DIR/sampler.pid" bash; then
  printf '{"pid":%s,"running":true}\n' "$(<"$SAMPLER_DIR/sampler.pid")"
  exit 0
fi

sdiag -r >/dev/null 2>&1 || log "sdiag -r failed; counters are cumulative"
sdiag >"$SAMPLER_DIR/sdiag/before-$EPOCHREALTIME.txt" 2>&1 || true

sample_loop() {
  local fifo="$SAMPLER_DIR/tick" interval next_stats next_nodes=0 pending running st nodes='' line queue last_queue=x
  local stopping=''
  echo "$BASHPID" >"$SAMPLER_DIR/sampler.pid"
  trap 'exit 0' TERM
  rm -f "$fifo"; mkfifo "$fifo"; exec 3<>"$fifo"
  # Tell the starting script it runs (opened read-write, so this never blocks, even if nobody listens).
  if [[ -p "$SAMPLER_DIR/ready" ]] && exec 5<>"$SAMPLER_DIR/ready"; then printf 'ready\n' >&5; exec 5>&-; fi
  interval="$((INTERVAL_MS / 1000)).$(printf '%03d' $((INTERVAL_MS % 1000)))"
  next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
  while true; do
    pending=0 running=0
    queue="$(squeue -h -o '%i|%t' 2>/dev/null || true)"
    while IFS='|' read -r _ st; do
      case "$st" in PD) pending=$((pending + 1)) ;; R | CG) running=$((running + 1)) ;; esac
    done <<<"$queue"
    # CPU allocation only changes when a job starts or ends, which changes the queue: ask sinfo then, and at
    # least every 10 s for node states; otherwise the last answer still holds and the controller is spared.
    if [[ "$queue" != "$last_queue" ]] || ((SECONDS >= next_nodes)); then
      nodes=''
      while IFS= read -r line; do nodes+="${nodes:+;}$line"; done < <(sinfo -h -N -o '%N|%T|%C' 2>/dev/null)
      last_queue="$queue"
      next_nodes=$((SECONDS + 10))
    fi
    printf '{"t":%s,"pending":%d,"running":%d,"nodes":"%s"}\n' "$EPOCHREALTIME" "$pending" "$running" "$nodes" \
      >>"$SAMPLER_DIR/samples.jsonl"
    [[ -z "$stopping" ]] || exit 0
    if ((SECONDS >= next_stats)); then
      sdiag >"$SAMPLER_DIR/sdiag/during-$EPOCHREALTIME.txt" 2>&1 || true
      next_stats=$((SECONDS + STATS_INTERVAL_SECONDS))
    fi
    # `stop` on the tick FIFO (sampler-stop.sh) ends the wait at once; one last sample follows.
    if read -r -t "$interval" -u 3 line && [[ "$line" == stop ]]; then stopping=1; fi
  done
}

: >"$SAMPLER_DIR/samples.jsonl"
rm -f "$SAMPLER_DIR/sampler.pid" "$SAMPLER_DIR/ready"
# The sampler says `ready` on this FIFO once its pid file and tick FIFO exist: an event, not a poll.
mkfifo "$SAMPLER_DIR/ready"
exec 4<>"$SAMPLER_DIR/ready"
export SAMPLER_DIR INTERVAL_MS STATS_INTERVAL_SECONDS
setsid bash -c "$(declare -f sample_loop); sample_loop" slurm-sampler </dev/null >>"$SAMPLER_DIR/sampler.log" 2>&1 4>&- &
read -r -t 10 -u 4 _ || log "the sampler did not say ready within 10 s"
exec 4>&-
rm -f "$SAMPLER_DIR/ready"
wait_until 10 "the sampler to write its pid file" test -s "$SAMPLER_DIR/sampler.pid"
printf '{"pid":%s,"startedAt":%s}\n' "$(<"$SAMPLER_DIR/sampler.pid")" "$started_at"
