# shellcheck shell=bash
# Drop the cluster's accounting database, stop its MariaDB instance (by PID, bounded) and remove its datadir.
# Safe to repeat and on a half-made cluster.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${DB_NAME:?database name}"
: "${STOP_TIMEOUT:=10}"
dir="$ROOT/mariadb"
[[ "$DB_NAME" =~ ^[a-z0-9_]+$ ]] || die "DB_NAME must be letters, digits and _"
if pid_alive "$dir/mariadb.pid" mariadbd; then
  mariadb --no-defaults --socket="$dir/mariadb.sock" -uroot -e "DROP DATABASE IF EXISTS \`$DB_NAME\`" ||
    log "could not drop $DB_NAME (removing its datadir anyway)"
fi
stop_pidfile "$dir/mariadb.pid" mariadbd "$STOP_TIMEOUT"
rm -rf "$dir"
printf '{"database":"%s","dropped":true}\n' "$DB_NAME"
