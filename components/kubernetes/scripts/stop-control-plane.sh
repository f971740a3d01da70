# shellcheck shell=bash
# Stop the control plane by PID (bounded SIGTERM → SIGKILL), scheduler first and etcd last, and remove etcd's
# data. Succeeds on a half-made cluster. Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${STOP_TIMEOUT:=15}"
dir="$ROOT/control"
for d in kube-scheduler kube-controller-manager kube-apiserver etcd; do
  stop_pidfile "$dir/$d.pid" "${d:0:15}" "$STOP_TIMEOUT" # comm is at most 15 characters
done
rm -rf --one-file-system -- "$ROOT/etcd" "$dir"
printf '{"controlPlane":"stopped"}\n'
