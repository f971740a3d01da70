# shellcheck shell=bash
# Check this node has the cluster's binaries and image archives, install the Debian packages a node needs where
# missing (the stage library's install_packages: idempotent, one install at a time per host, as netns nodes share
# its dpkg; a VM image has them), and report what the kubelet will measure — CPUs, memory, the node's own cgroup —
# with the machine facts and versions, for provenance. Prints one JSON line:
# {"facts":{"cpus":…,"memoryBytes":…,"cgroup":…,"cgroupVersion":…},"os":…,"kernel":…,"host":…,"hostCpus":…,
#  "cni":…,"versions":{…},"go":…,"images":{…}}.
set -euo pipefail
: "${BIN_DIR:?directory with the Kubernetes binaries and manifest.json}"
: "${IMAGES_DIR:?directory with the image archives and images.json}"
: "${PACKAGES:?Debian packages a node needs, space-separated}"
: "${SHARES_HOST:?1 when the node shares this host with others (netns), else 0}"
: "${CNI_BIN_DIR:?directory of the CNI plugins}"
read -r -a packages <<<"$PACKAGES"
install_packages "${packages[@]}"

for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kubeadm etcd etcdctl containerd \
  containerd-shim-runc-v2 ctr runc; do
  [[ -x "$BIN_DIR/bin/$b" ]] || die "kubernetes install: $b missing in $BIN_DIR/bin (build it: npx schedbench k8s build)"
done
[[ -f "$BIN_DIR/manifest.json" ]] || die "kubernetes install: no manifest.json in $BIN_DIR"
[[ -f "$IMAGES_DIR/images.json" ]] || die "kubernetes install: no images.json in $IMAGES_DIR"
for p in bridge host-local loopback; do
  [[ -x "$CNI_BIN_DIR/$p" ]] || die "kubernetes install: CNI plugin $CNI_BIN_DIR/$p missing"
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

# CPUs and memory as cAdvisor counts them (/proc/cpuinfo, MemTotal): the kubelet's capacity.
cpus="$(grep -c '^processor' /proc/cpuinfo)"
memory_kib="$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)"
jq -cn --argjson cpus "$cpus" --argjson mem "$((memory_kib * 1024))" --arg cgroup "$cgroup" \
  --argjson cgv "$cgroup_version" --argjson machine "$(machine_facts)" \
  --arg cni "$(package_version containernetworking-plugins)" \
  --slurpfile manifest "$BIN_DIR/manifest.json" --slurpfile images "$IMAGES_DIR/images.json" \
  '{facts: {cpus: $cpus, memoryBytes: $mem, cgroup: $cgroup, cgroupVersion: $cgv}} + $machine
    + {cni: $cni, versions: $manifest[0].versions, go: $manifest[0].go, images: $images[0]}'
