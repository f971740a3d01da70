# shellcheck shell=bash
# Start the SLURM scheduler sampler on the controller node (the stage library's sampler_start): sdiag's counters
# reset and a "before" sdiag, then every INTERVAL_MS one JSON line of queue counts (squeue) and per-node CPU
# allocation (sinfo, asked again when the queue changed or 10 s passed), and at most every STATS_INTERVAL_SECONDS
# another sdiag ("during"). sdiag is never polled fast: SchedMD warns it disturbs the controller. Prints
# {"pid":…,"startedAt":…}.
set -euo pipefail
: "${SAMPLER_DIR:?directory of this run samples on the controller}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${STATS_INTERVAL_SECONDS:?seconds between sdiag snapshots}"
# 0: no per-node allocation in the samples (emulated clusters: a thousand nodes in every sample would make the
# result tens of MB, and sinfo over them every second would load the controller the run measures).
# (The sampler loop runs in a process of its own: the default is applied where it is read.)
skip_if_done
slurm_env

# reset_sdiag : counters from zero, so that the "after" sdiag covers this run only.
reset_sdiag() { sdiag -r >/dev/null 2>&1 || log "sdiag -r failed; counters are cumulative"; }

# no_sample_yet : in the sampler loop's process, before its first sample: no queue seen, sinfo not asked.
no_sample_yet() { last_queue=x next_nodes=0 nodes=''; }

# squeue_sample : one sample line. In the sampler loop's own process: the last queue and sinfo answer persist.
squeue_sample() {
  local pending=0 running=0 queue st line
  queue="$(squeue -h -o '%i|%t' 2>/dev/null || true)"
  while IFS='|' read -r _ st; do
    case "$st" in PD) pending=$((pending + 1)) ;; R | CG) running=$((running + 1)) ;; esac
  done <<<"$queue"
  # CPU allocation only changes when a job starts or ends, which changes the queue: ask sinfo then, and at least
  # every 10 s for node states; otherwise the last answer still holds and the controller is spared.
  if ((${SAMPLE_NODES:-1})) && { [[ "$queue" != "$last_queue" ]] || ((SECONDS >= next_nodes)); }; then
    nodes=''
    while IFS= read -r line; do nodes+="${nodes:+;}$line"; done < <(sinfo -h -N -o '%N|%T|%C' 2>/dev/null)
    last_queue="$queue"
    next_nodes=$((SECONDS + 10))
  fi
  printf '{"t":%s,"pending":%d,"running":%d,"nodes":"%s"}\n' "$EPOCHREALTIME" "$pending" "$running" "$nodes"
}

sampler_start --name slurm-sampler --setup no_sample_yet --sample squeue_sample \
  --snapshot sdiag_snapshot --ext txt --prepare reset_sdiag
