# shellcheck shell=bash
# Check this node has the cluster's binaries and image archives, install the Debian packages the node needs
# (CNI plugins; idempotent, serialised by flock: netns nodes share one host and dpkg; a VM image has them), and
# report what the kubelet will measure: CPUs, memory, the node's own cgroup. Prints one JSON line.
set -euo pipefail
: "${BIN_DIR:?directory with the Kubernetes binaries and manifest.json}"
: "${IMAGES_DIR:?directory with the image archives and images.json}"
: "${NODE_PACKAGES:?Debian packages a node needs, space-separated}"
: "${SHARES_HOST:?1 when the node shares this host with others (netns), else 0}"
lock="${SCHEDBENCH_APT_LOCK:-/var/lock/schedbench-apt.lock}"
read -r -a packages <<<"$NODE_PACKAGES"

missing() {
  local p status
  for p in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || printf '%s\n' "$p"
  done
}
if [[ -n "$(missing)" ]]; then
  exec 9>"$lock"
  flock -w 900 9 || die "could not take $lock within 900 s"
  mapfile -t need < <(missing)
  if ((${#need[@]} > 0)); then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}" >&2
  fi
  exec 9>&-
fi

for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kubeadm etcd etcdctl containerd \
  containerd-shim-runc-v2 ctr runc; do
  [[ -x "$BIN_DIR/bin/$b" ]] || die "kubernetes install: $b missing in $BIN_DIR/bin (build it: npx schedbench k8s build)"
done
[[ -f "$BIN_DIR/manifest.json" ]] || die "kubernetes install: no manifest.json in $BIN_DIR"
[[ -f "$IMAGES_DIR/images.json" ]] || die "kubernetes install: no images.json in $IMAGES_DIR"
for p in bridge host-local loopback; do
  [[ -x "/usr/lib/cni/$p" ]] || die "kubernetes install: CNI plugin /usr/lib/cni/$p missing"
done

# The node's own cgroup. Sharing the host: where this SSH session (and so every daemon started from it) lives. A
# machine of its own: the root — its SSH sessions sit in systemd's scopes, which must not hold the pods' cgroups.
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  cgroup_version=2
  cgroup="$(sed -n 's/^0:://p' /proc/self/cgroup)"
else
  cgroup_version=1
  cgroup="$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)"
fi
[[ "$SHARES_HOST" == 1 ]] || cgroup=/
[[ -n "$cgroup" ]] || die "kubernetes install: cannot read this session's cgroup from /proc/self/cgroup"

cpus="$(grep -c '^processor' /proc/cpuinfo)"
memory_kib="$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)"
# shellcheck source=/dev/null
. /etc/os-release
jq -cn --argjson cpus "$cpus" --argjson mem "$((memory_kib * 1024))" --arg cgroup "$cgroup" \
  --argjson cgv "$cgroup_version" --arg os "${PRETTY_NAME:-unknown}" --arg kernel "$(uname -r)" \
  --arg host "$(hostname)" --argjson hostCpus "$(nproc --all)" \
  --arg cni "$(dpkg-query -W -f='${Version}' containernetworking-plugins)" \
  --slurpfile manifest "$BIN_DIR/manifest.json" --slurpfile images "$IMAGES_DIR/images.json" \
  '{facts:{cpus:$cpus,memoryBytes:$mem,cgroup:$cgroup,cgroupVersion:$cgv},os:$os,kernel:$kernel,host:$host,
    hostCpus:$hostCpus,cni:$cni,versions:$manifest[0].versions,go:$manifest[0].go,images:$images[0]}'
