# shellcheck shell=bash
# Start the control plane on the first node — etcd, kube-apiserver, kube-controller-manager, kube-scheduler —
# each detached with a pid file (idempotent: live daemons are left alone), then wait for the apiserver's /readyz.
# Arguments arrive one per line in the environment (rendered by components/kubernetes/render.ts). Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${BIN_DIR:?directory with the binaries}"
: "${ETCD_ARGS:?}" "${APISERVER_ARGS:?}" "${CONTROLLER_MANAGER_ARGS:?}" "${SCHEDULER_ARGS:?}"
: "${START_TIMEOUT:=300}"
: "${START_ATTEMPTS:=3}"
dir="$ROOT/control"
install -d -m 0700 "$dir" "$ROOT/etcd"
kubectl=("$BIN_DIR/bin/kubectl" --kubeconfig "$ROOT/etc/admin.conf")
start() { # start NAME ARGS_TEXT
  local name="$1"
  local -a args
  mapfile -t args <<<"$2"
  start_daemon "$dir/$name.pid" "${name:0:15}" "$dir/$name.log" "$BIN_DIR/bin/$name" "${args[@]}"
}
# Ready, or etcd or the apiserver exited (then waiting longer is pointless: its log says why).
ready() {
  pid_gone "$(<"$dir/etcd.pid")" && return 0
  pid_gone "$(<"$dir/kube-apiserver.pid")" && return 0
  [[ "$("${kubectl[@]}" get --raw /readyz 2>/dev/null)" == ok ]]
}
# The apiserver ends itself when a bootstrap hook (system priority classes, RBAC roles, service IP repair) misses
# its internal deadline on a starved machine (a VM under software emulation): like a kubelet restarting a static
# pod, a daemon that exited while starting is started again, up to START_ATTEMPTS times.
attempt=1
while :; do
  start etcd "$ETCD_ARGS"
  start kube-apiserver "$APISERVER_ARGS"
  wait_until "$START_TIMEOUT" "kube-apiserver /readyz" ready || true
  mapfile -t exited < <(daemons_gone "$dir" etcd kube-apiserver)
  ((${#exited[@]} > 0)) || break
  tail -n 20 "$dir/${exited[0]}.log" >&2
  ((attempt < START_ATTEMPTS)) || die "kubernetes: ${exited[*]} on $(hostname) exited while starting, $attempt times"
  log "${exited[*]} exited while starting (attempt $attempt of $START_ATTEMPTS): starting again"
  attempt=$((attempt + 1))
done
if [[ "$("${kubectl[@]}" get --raw /readyz 2>/dev/null)" != ok ]]; then
  tail -n 20 "$dir/etcd.log" "$dir/kube-apiserver.log" >&2 || true
  die "kubernetes: kube-apiserver on $(hostname) is not ready after $START_TIMEOUT s (schedbench:kubernetes.startTimeoutSeconds): $("${kubectl[@]}" get --raw '/readyz?verbose' 2>&1 | grep -v '\[+\]' | tail -n 5 | tr '\n' ' ')"
fi
# admin.conf's group (kubeadm:cluster-admins) is bound to cluster-admin as `kubeadm init` binds it, with the
# super-admin kubeconfig (system:masters: no RBAC can take its rights away), which is then removed — once the binding
# exists, admin.conf does all the rest. A start again finds the binding and needs no super-admin.
super="$ROOT/etc/super-admin.conf"
if ! "$BIN_DIR/bin/kubectl" --kubeconfig "$ROOT/etc/admin.conf" get clusterrolebinding kubeadm:cluster-admins \
  -o name >/dev/null 2>&1; then
  [[ -f "$super" ]] || die "kubernetes: admin.conf has no rights yet and super-admin.conf is gone (remove the cluster and create it again)"
  "$BIN_DIR/bin/kubectl" --kubeconfig "$super" create clusterrolebinding kubeadm:cluster-admins \
    --clusterrole=cluster-admin --group=kubeadm:cluster-admins --dry-run=client -o yaml |
    "$BIN_DIR/bin/kubectl" --kubeconfig "$super" apply -f - >&2
fi
rm -f -- "$super"
start kube-controller-manager "$CONTROLLER_MANAGER_ARGS"
start kube-scheduler "$SCHEDULER_ARGS"
for d in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  wait_until 10 "$d to stay up" pid_alive "$dir/$d.pid" "${d:0:15}" || { tail -n 20 "$dir/$d.log" >&2; die "kubernetes: $d exited"; }
done
jq -cn --arg version "$("${kubectl[@]}" version -o json | jq -r .serverVersion.gitVersion)" \
  '{controlPlane:"up",version:$version}'
