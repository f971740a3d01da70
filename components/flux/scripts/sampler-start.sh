# shellcheck shell=bash
# Start the Flux scheduler sampler on rank 0 (the stage library's sampler_start): Fluxion's module stats and the
# queue status ("before"), then every INTERVAL_MS one JSON line of job counts (`flux jobs --stats-only`'s line) and
# per-node core allocation (`flux resource list`, asked again when the counts changed or 10 s passed), and at most
# every STATS_INTERVAL_SECONDS another stats snapshot ("during") — sparse, as SLURM's sdiag is. Prints
# {"pid":…,"startedAt":…}.
set -euo pipefail
: "${FLUX_URI:?rank 0 local URI}"
: "${SAMPLER_DIR:?directory of this run samples on rank 0}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${STATS_INTERVAL_SECONDS:?seconds between stats snapshots}"
skip_if_done
# When this run's sampling began, by this node's clock: the submit stage's idle gap counts from here.
started_at="$EPOCHREALTIME"
flux_env

# job_counts : the line `flux jobs --stats-only` prints, from the same job-list statistics read by the C
# `flux job stats` (the Python command's start-up cost ~0.15 CPU-s each second on rank 0's node, beside the jobs).
# Sums as flux-core's JobStats does: pending = depend+priority+sched, running = run+cleanup, failed counts
# timeouts and cancellations too.
job_counts() {
  flux job stats 2>/dev/null | jq -r '.job_states as $s
    | "\($s.run + $s.cleanup) running, \(.successful) completed, \(.failed + .timeout + .canceled) failed, "
      + "\($s.depend + $s.priority + $s.sched) pending, \(.inactive_purged) inactive purged"' 2>/dev/null || true
}

# no_sample_yet : in the sampler loop's process, before its first sample: no counts seen, the resources not asked.
no_sample_yet() { last_counts=x next_nodes=0 nodes=''; }

# flux_sample : one sample line. In the sampler loop's own process: the last counts and resource list persist.
flux_sample() {
  local counts
  counts="$(job_counts)"
  # Allocation only changes when a job starts or ends, which changes the counts: ask then (`flux resource list` is
  # Python, ~0.2 CPU-s), and at least every 10 s for node states; otherwise the last answer still holds.
  if [[ "$counts" != "$last_counts" ]] || ((SECONDS >= next_nodes)); then
    nodes="$(flux resource list -s free,allocated,down -no '{state}|{rlist}' 2>/dev/null | paste -sd ';' || true)"
    last_counts="$counts"
    next_nodes=$((SECONDS + 10))
  fi
  jq -cn --argjson t "$EPOCHREALTIME" --arg counts "$counts" --arg nodes "$nodes" '{t:$t,counts:$counts,nodes:$nodes}'
}

sampler_start --name flux-sampler --setup no_sample_yet --sample flux_sample --snapshot fluxion_snapshot \
  --started-at "$started_at"
