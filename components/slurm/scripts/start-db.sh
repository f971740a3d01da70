# shellcheck shell=bash
# Start the cluster's own MariaDB instance (own datadir, socket and port) on the controller node and create
# the accounting database and its user; the password arrives on stdin. Idempotent. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${DB_NAME:?database name}"
: "${DB_PORT:?port}"
: "${DB_ADDRESS:?address to listen on}"
dir="$ROOT/mariadb"
sock="$dir/mariadb.sock"
password="$(cat)"
[[ "$DB_NAME" =~ ^[a-z0-9_]+$ ]] || die "DB_NAME must be letters, digits and _"
[[ "$password" =~ ^[A-Za-z0-9]{16,}$ ]] || die "the database password on stdin must be 16+ letters and digits"

install -d -m 0755 -o mysql -g mysql "$dir"
if [[ ! -d "$dir/data/mysql" ]]; then
  log "initialising $dir/data"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=mysql --auth-root-authentication-method=socket \
    --skip-test-db >"$dir/install.log" 2>&1 || { tail -n 20 "$dir/install.log" >&2; exit 1; }
fi

answers() { mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; }

if ! { pid_alive "$dir/mariadb.pid" mariadbd && answers; }; then
  setsid mariadbd --no-defaults --datadir="$dir/data" --socket="$sock" --port="$DB_PORT" \
    --bind-address="$DB_ADDRESS" --pid-file="$dir/mariadb.pid" --log-error="$dir/mariadb.log" --user=mysql \
    --skip-name-resolve --innodb-buffer-pool-size=128M --innodb-lock-wait-timeout=900 --innodb-flush-log-at-trx-commit=2 \
    </dev/null >/dev/null 2>&1 &
  wait_until 60 "MariaDB to answer on $sock" answers || { tail -n 20 "$dir/mariadb.log" >&2 || true; exit 1; }
fi

# The password reaches the server through the client's stdin, never a command line.
mariadb --no-defaults --socket="$sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
CREATE USER IF NOT EXISTS 'slurm'@'%' IDENTIFIED BY '$password';
ALTER USER 'slurm'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO 'slurm'@'%';
FLUSH PRIVILEGES;
SQL
jq -cn --arg db "$DB_NAME" --argjson port "$DB_PORT" '{database:$db,port:$port,running:true}'
