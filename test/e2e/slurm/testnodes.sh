#!/usr/bin/env bash
# Test nodes for the SLURM script tests (until the netns backend lands): per node a network namespace on a
# bridge, a persistent UTS namespace with the node's hostname, a cgroup (cpu quota = vCPUs, memory limit) and
# its own sshd accepting any environment variable. ACTION=create prints one JSON document; ACTION=delete
# removes everything create made (processes by PID, namespaces, cgroups, files) and is safe to repeat.
set -euo pipefail
: "${ACTION:?create or delete}"
: "${TAG:?short tag, a-z0-9, at most 6 characters}"
: "${COUNT:?number of nodes}"
: "${OCTET:?third octet of 10.213.X.0/24}"
: "${ROOT:?directory for the test files}"
VCPUS="${VCPUS:-2}"
MEMORY_MIB="${MEMORY_MIB:-2048}"

bridge="sbt${TAG}"
cg_rel="schedbench-test/${TAG}"
controllers=(cpu cpuacct memory blkio)

node_name() { printf 'sbt%s-n%d' "$TAG" "$1"; }

delete_all() {
  local i name pid
  for ((i = 1; i <= COUNT; i++)); do
    name="$(node_name "$i")"
    if [[ -f "$ROOT/$name/sshd.pid" ]]; then
      pid="$(cat "$ROOT/$name/sshd.pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    if mountpoint -q "$ROOT/$name/uts" 2>/dev/null; then umount "$ROOT/$name/uts"; fi
    ip netns del "$name" 2>/dev/null || true
  done
  ip link del "$bridge" 2>/dev/null || true
  for c in "${controllers[@]}"; do
    for ((i = 1; i <= COUNT; i++)); do
      name="$(node_name "$i")"
      rmdir "/sys/fs/cgroup/$c/$cg_rel/$name" 2>/dev/null || true
    done
    rmdir "/sys/fs/cgroup/$c/$cg_rel" "/sys/fs/cgroup/$c/schedbench-test" 2>/dev/null || true
  done
  rm -rf "$ROOT"
}

if [[ "$ACTION" == delete ]]; then
  delete_all
  printf '{"deleted":true}\n'
  exit 0
fi

mkdir -p "$ROOT" /run/sshd
[[ -f "$ROOT/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -f "$ROOT/id_ed25519" >&2
ip link show "$bridge" >/dev/null 2>&1 || {
  ip link add "$bridge" type bridge
  ip addr add "10.213.${OCTET}.1/24" dev "$bridge"
  ip link set "$bridge" up
}

json='['
for ((i = 1; i <= COUNT; i++)); do
  name="$(node_name "$i")"
  addr="10.213.${OCTET}.$((9 + i))"
  dir="$ROOT/$name"
  mkdir -p "$dir"
  if ! ip netns list | grep -qw "$name"; then
    ip netns add "$name"
    # The host end of a deleted namespace's veth can linger for a moment.
    ip link del "${bridge}h$i" 2>/dev/null || true
    ip link add "${bridge}h$i" type veth peer name eth0 netns "$name"
    ip link set "${bridge}h$i" master "$bridge" up
    ip -n "$name" addr add "$addr/24" dev eth0
    ip -n "$name" link set eth0 up
    ip -n "$name" link set lo up
  fi
  if ! mountpoint -q "$dir/uts"; then
    touch "$dir/uts"
    unshare --uts="$dir/uts" hostname "$name"
  fi
  for c in "${controllers[@]}"; do mkdir -p "/sys/fs/cgroup/$c/$cg_rel/$name"; done
  echo 100000 >"/sys/fs/cgroup/cpu/$cg_rel/$name/cpu.cfs_period_us"
  echo $((VCPUS * 100000)) >"/sys/fs/cgroup/cpu/$cg_rel/$name/cpu.cfs_quota_us"
  echo $((MEMORY_MIB * 1024 * 1024)) >"/sys/fs/cgroup/memory/$cg_rel/$name/memory.limit_in_bytes"
  [[ -f "$dir/host_key" ]] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" >&2
  cp "$ROOT/id_ed25519.pub" "$dir/authorized_keys"
  cat >"$dir/sshd_config" <<EOF
ListenAddress $addr
Port 22
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AcceptEnv *
MaxSessions 64
MaxStartups 64:30:128
EOF
  if ! { [[ -f "$dir/sshd.pid" ]] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; }; then
    # Join the node's cgroups first so sshd, and everything started over SSH, inherits them.
    CG_REL="$cg_rel/$name" NS="$name" UTS="$dir/uts" CFG="$dir/sshd_config" bash -c '
      for c in cpu cpuacct memory blkio; do echo $$ >"/sys/fs/cgroup/$c/$CG_REL/cgroup.procs"; done
      exec nsenter --net="/run/netns/$NS" --uts="$UTS" /usr/sbin/sshd -f "$CFG"'
  fi
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$addr/22") 2>/dev/null && break
    sleep 0.05
  done
  [[ $i -gt 1 ]] && json+=','
  json+="{\"name\":\"$name\",\"address\":\"$addr\",\"interface\":\"eth0\",\"stateDir\":\"$dir/state\"}"
done
json+=']'
printf '{"key":"%s","nodes":%s}\n' "$ROOT/id_ed25519" "$json"
