# shellcheck shell=bash
# SLURM helpers, prepended to every SLURM script after components/prelude.sh and the stage library
# (components/stages.sh; components/slurm/script.ts). Not run on its own.

# slurm_env : check ROOT (the cluster's state directory) and point the SLURM commands at the cluster's config.
slurm_env() {
  : "${ROOT:?cluster state directory}"
  export SLURM_CONF="$ROOT/etc/slurm.conf"
}

# sdiag_snapshot PHASE : the scheduler sampler's statistics snapshot (the --snapshot of the stage library's
# sampler_start and sampler_stop): sdiag's whole text, its errors included.
sdiag_snapshot() { sdiag 2>&1; }

# munge_lock : the name of the lock (the stage library's with_lock) that serialises starting this cluster's munged:
# nodes sharing one filesystem (netns) start it at the same moment. One per cluster, named from its state directory.
munge_lock() {
  local sum
  sum="$(sha256sum <<<"$ROOT")"
  printf 'slurm-munge-%s\n' "${sum:0:16}"
}
