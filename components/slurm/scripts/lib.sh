# shellcheck shell=bash
# SLURM helpers, prepended after components/prelude.sh to every SLURM script (components/slurm/script.ts). Not
# run on its own.

# slurm_env : check ROOT (the cluster's state directory) and point the SLURM commands at the cluster's config.
slurm_env() {
  : "${ROOT:?cluster state directory}"
  export SLURM_CONF="$ROOT/etc/slurm.conf"
}

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
