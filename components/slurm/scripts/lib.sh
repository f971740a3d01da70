# shellcheck shell=bash
# SLURM helpers, prepended to every SLURM script after components/prelude.sh and the stage library
# (components/stages.sh; components/slurm/script.ts). Not run on its own.

# slurm_env : check ROOT (the cluster's state directory) and point the SLURM commands at the cluster's config.
slurm_env() {
  : "${ROOT:?cluster state directory}"
  export SLURM_CONF="$ROOT/etc/slurm.conf"
}

# sdiag_snapshot PHASE : the scheduler sampler's statistics snapshot (the --snapshot of the stage library's
# sampler_start and sampler_stop): sdiag's whole text, its errors included, then what slurmctld has cost so far.
sdiag_snapshot() {
  sdiag 2>&1 || true
  ctld_cost
}

# ctld_cost : one line of slurmctld's CPU time (user + system, in clock ticks) and resident memory, from /proc (it
# runs on this node): `schedbench slurmctld: cpu_ticks=N ticks_per_second=N rss_kib=N`. Nothing when it is not running.
ctld_cost() {
  local pid stat rss='' key value _unit
  local -a fields
  pid="$(cat "$ROOT/slurmctld/slurmctld.pid" 2>/dev/null)" || return 0
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 0
  # Fields after the command name, which may hold spaces: state is field 3, utime 14 and stime 15.
  read -r -a fields <<<"${stat##*) }"
  while read -r key value _unit; do [[ "$key" != VmRSS: ]] || rss="$value"; done <"/proc/$pid/status"
  printf 'schedbench slurmctld: cpu_ticks=%d ticks_per_second=%d rss_kib=%d\n' \
    "$((fields[11] + fields[12]))" "$(getconf CLK_TCK)" "${rss:-0}"
}

# munge_lock : the name of the lock (the stage library's with_lock) that serialises starting this cluster's munged:
# nodes sharing one filesystem (netns) start it at the same moment. One per cluster, named from its state directory.
munge_lock() {
  local sum
  sum="$(sha256sum <<<"$ROOT")"
  printf 'slurm-munge-%s\n' "${sum:0:16}"
}
