# shellcheck shell=bash
# First step of tearing down: delete every pod and Job of the cluster through the API, so the kubelets stop
# them and CNI releases their addresses before the daemons go. Best effort, bounded. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${STOP_TIMEOUT:=15}"
kubectl=("$BIN_DIR/bin/kubectl" --kubeconfig "$ROOT/etc/admin.conf" --request-timeout=10s)
if [[ -f "$ROOT/etc/admin.conf" ]] && "${kubectl[@]}" get --raw /readyz >/dev/null 2>&1; then
  "${kubectl[@]}" delete jobs --all --all-namespaces --wait=false >&2 2>&1 || true
  "${kubectl[@]}" delete pods --all --all-namespaces --grace-period=0 --force --timeout="$((STOP_TIMEOUT * 2))s" >&2 2>&1 || true
fi
printf '{"drained":true}\n'
