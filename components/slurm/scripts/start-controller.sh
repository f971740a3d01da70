# shellcheck shell=bash
# Start slurmdbd, register the cluster and root's association in accounting, then start slurmctld, on the controller
# node. slurmdbd.conf is written here from the rendered text plus the database password read from stdin (mode 600,
# owned by slurm). Idempotent. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${CLUSTER:?cluster name}"
: "${SLURMDBD_CONF_TEXT:?rendered slurmdbd.conf}"
: "${START_TIMEOUT:=60}"
export SLURM_CONF="$ROOT/etc/slurm.conf"
password="$(cat)"
[[ "$password" =~ ^[A-Za-z0-9]{16,}$ ]] || die "the database password on stdin must be 16+ letters and digits"

conf="$ROOT/etc/slurmdbd.conf"
tmp="$(mktemp "$conf.XXXXXX")"
chmod 0600 "$tmp"
printf '%s\nStoragePass=%s\n' "$SLURMDBD_CONF_TEXT" "$password" >"$tmp"
chown slurm:slurm "$tmp"
# A running slurmdbd keeps the password it started with: restart it when the configuration changed.
if pid_alive "$ROOT/slurmdbd/slurmdbd.pid" slurmdbd && ! cmp -s "$tmp" "$conf"; then
  log "slurmdbd.conf changed: restarting slurmdbd"
  stop_pidfile "$ROOT/slurmdbd/slurmdbd.pid" slurmdbd "${STOP_TIMEOUT:-10}"
fi
mv -f "$tmp" "$conf"

# no_fatal LOG OFFSET : fail the whole script at once when the daemon logged a fatal error since OFFSET.
no_fatal() {
  if grep -q 'fatal:' <<<"$(tail -c +"$(($2 + 1))" "$1" 2>/dev/null)"; then
    tail -c +"$(($2 + 1))" "$1" | tail -n 5 >&2
    die "${1##*/} reports a fatal error"
  fi
}
log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

dbd_log="$ROOT/slurmdbd/slurmdbd.log"
dbd_answers() { no_fatal "$dbd_log" "$dbd_off"; sacctmgr -n -P list cluster format=cluster >/dev/null 2>&1; }
dbd_off="$(log_size "$dbd_log")"
if ! pid_alive "$ROOT/slurmdbd/slurmdbd.pid" slurmdbd; then
  setsid slurmdbd </dev/null >>"$ROOT/slurmdbd/slurmdbd.out" 2>&1
fi
wait_until "$START_TIMEOUT" "slurmdbd to answer" dbd_answers || { tail -n 20 "$dbd_log" >&2 || true; exit 1; }

# The cluster and root's association, before slurmctld starts: slurm.conf enforces associations
# (AccountingStorageEnforce), so a user without one cannot submit, and slurmctld loads them when it starts. Root
# submits every job (submit.sh, validate.sh). `add cluster` makes the cluster's root account with root's association
# under it; root's is added on its own should it be missing. Idempotent; nothing secret on sacctmgr's command line.
registered() { local out; out="$(sacctmgr -n -P list cluster format=cluster 2>/dev/null)" && grep -qxF -- "$CLUSTER" <<<"$out"; }
root_assoc() {
  local out
  out="$(sacctmgr -n -P list assoc where cluster="$CLUSTER" account=root user=root format=user 2>/dev/null)" &&
    grep -qxF root <<<"$out"
}
registered || sacctmgr -i add cluster "$CLUSTER" >&2
root_assoc || sacctmgr -i add user root account=root cluster="$CLUSTER" >&2
root_assoc || die "slurm start: root has no association in cluster $CLUSTER's accounting: its jobs would be refused"

ctld_log="$ROOT/slurmctld/slurmctld.log"
ctld_up() { local out; no_fatal "$ctld_log" "$ctld_off"; out="$(scontrol ping 2>/dev/null)" && grep -q 'is UP' <<<"$out"; }
ctld_off="$(log_size "$ctld_log")"
if ! pid_alive "$ROOT/slurmctld/slurmctld.pid" slurmctld; then
  setsid slurmctld </dev/null >>"$ROOT/slurmctld/slurmctld.out" 2>&1
fi
wait_until "$START_TIMEOUT" "slurmctld to answer scontrol ping" ctld_up || { tail -n 20 "$ctld_log" >&2 || true; exit 1; }

# A slurmctld that was already running learns of an association added just now from slurmdbd, a moment later.
ctld_knows_root() {
  local out
  out="$(scontrol show assoc_mgr users=root accounts=root flags=assoc 2>/dev/null)" && grep -q 'UserName=root(0)' <<<"$out"
}
wait_until "$START_TIMEOUT" "slurmctld to hold root's association" ctld_knows_root ||
  { scontrol show assoc_mgr users=root flags=assoc >&2 || true; exit 1; }

version="$(scontrol version | awk '{print $2}')"
jq -cn --arg cluster "$CLUSTER" --arg version "$version" '{cluster:$cluster,slurmVersion:$version,controller:"up",slurmdbd:"up"}'
