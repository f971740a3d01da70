# shellcheck shell=bash
# Start slurmdbd then slurmctld on the controller node. slurmdbd.conf is written here from the rendered text
# plus the database password read from stdin (mode 600, owned by slurm). Idempotent. Prints one JSON line.
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

ctld_log="$ROOT/slurmctld/slurmctld.log"
ctld_up() { local out; no_fatal "$ctld_log" "$ctld_off"; out="$(scontrol ping 2>/dev/null)" && grep -q 'is UP' <<<"$out"; }
ctld_off="$(log_size "$ctld_log")"
if ! pid_alive "$ROOT/slurmctld/slurmctld.pid" slurmctld; then
  setsid slurmctld </dev/null >>"$ROOT/slurmctld/slurmctld.out" 2>&1
fi
wait_until "$START_TIMEOUT" "slurmctld to answer scontrol ping" ctld_up || { tail -n 20 "$ctld_log" >&2 || true; exit 1; }

# slurmctld registers the cluster in accounting itself; wait until it has.
registered() { local out; out="$(sacctmgr -n -P list cluster format=cluster 2>/dev/null)" && grep -qxF -- "$CLUSTER" <<<"$out"; }
wait_until "$START_TIMEOUT" "cluster $CLUSTER to be registered in accounting" registered

version="$(scontrol version | awk '{print $2}')"
jq -cn --arg cluster "$CLUSTER" --arg version "$version" '{cluster:$cluster,slurmVersion:$version,controller:"up",slurmdbd:"up"}'
