# shellcheck shell=bash
# Write this cluster's configuration on one node: slurm.conf, cgroup.conf, the job wrapper and the launcher of jobs
# of several tasks (tasks.sh), the munge key (from stdin, base64) and the node's directories. Idempotent; files are
# replaced atomically (the stage library's write_file). Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${RUN_DIR:?runtime directory of the cluster (short: the slurmd spools and slurmstepd sockets live in it)}"
: "${SLURM_CONF_TEXT:?rendered slurm.conf}"
: "${CGROUP_CONF_TEXT:?rendered cgroup.conf}"
: "${JOB_SCRIPT_TEXT:?job script}"
: "${TASKS_SCRIPT_TEXT:?launcher of the tasks of a job}"

key="$(cat)"
[[ -n "$key" ]] || die "no munge key on stdin"

install -d -m 0755 "$ROOT" "$ROOT/etc" "$ROOT/nodes" "$ROOT/jobs" "$ROOT/jobs/out" "$ROOT/samplers"
install -d -m 0755 "$RUN_DIR" # each slurmd's own directory and spool: start-slurmd.sh
install -d -m 0711 -o munge -g munge "$ROOT/munge"
install -d -m 0755 -o slurm -g slurm "$ROOT/slurmctld" "$ROOT/slurmctld/state" "$ROOT/slurmdbd"

printf '%s' "$SLURM_CONF_TEXT" | write_file "$ROOT/etc/slurm.conf" 0644 root:root
printf '%s' "$CGROUP_CONF_TEXT" | write_file "$ROOT/etc/cgroup.conf" 0644 root:root
printf '%s' "$JOB_SCRIPT_TEXT" | write_file "$ROOT/jobs/job.sh" 0755 root:root
printf '%s' "$TASKS_SCRIPT_TEXT" | write_file "$ROOT/jobs/tasks.sh" 0755 root:root
printf '%s' "$key" | base64 -d | write_file "$ROOT/munge/munge.key" 0600 munge:munge

jq -cn --arg node "$NODE" --arg root "$ROOT" '{node:$node,root:$root,configured:true}'
