# shellcheck shell=bash
# Stop slurmctld then slurmdbd on the controller node (by PID, bounded SIGTERM then SIGKILL). Safe to repeat.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${STOP_TIMEOUT:=10}"
stop_pidfile "$ROOT/slurmctld/slurmctld.pid" slurmctld "$STOP_TIMEOUT"
stop_pidfile "$ROOT/slurmdbd/slurmdbd.pid" slurmdbd "$STOP_TIMEOUT"
rm -f "$ROOT/etc/slurmdbd.conf"
printf '{"controller":"stopped","slurmdbd":"stopped"}\n'
