#!/usr/bin/env bash
# Runs on a netns node over SSH: proves the node answers as itself (hostname) from inside its own cgroup, and
# reaches every other node by name (the hosts file, and the bridge through the host's firewall) on its SSH port.
set -euo pipefail
: "${EXPECTED_NAME:?is sent over SSH, so sshd must accept it (AcceptEnv)}" "${EXPECTED_CGROUP:?}"
PEERS=${PEERS:-} # the other nodes' names, space-separated

actual=$(hostname)
if [[ $actual != "$EXPECTED_NAME" ]]; then
  echo "netns validate: node ${EXPECTED_NAME} answers over SSH but reports hostname '${actual}'" >&2
  exit 1
fi

# v2: the one line "0::<path>"; v1: the cpu, cpuacct and memory hierarchies (possibly combined) each at <path>.
in_node_cgroup() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    grep -qxF "0::${EXPECTED_CGROUP}" /proc/self/cgroup
  else
    awk -F: -v want="$EXPECTED_CGROUP" '
      $3 == want { n = split($2, names, ","); for (i = 1; i <= n; i++) seen[names[i]] = 1 }
      END { exit !(seen["cpu"] && seen["cpuacct"] && seen["memory"]) }' /proc/self/cgroup
  fi
}
if ! in_node_cgroup; then
  echo "netns validate: node ${EXPECTED_NAME} runs outside its cgroup ${EXPECTED_CGROUP}:" >&2
  cat /proc/self/cgroup >&2
  exit 1
fi
for peer in $PEERS; do
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash: the peer's name is an argument, not script text
  if ! timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/22"' _ "$peer" 2>/dev/null; then
    echo "netns validate: node ${EXPECTED_NAME} cannot reach node ${peer} (port 22) within 5 s;" \
      "is forwarded traffic dropped on the host (iptables FORWARD policy, br_netfilter)?" >&2
    exit 1
  fi
done
printf '{"node":"%s","hostname":"%s","cgroup":"%s","cpus":%d}\n' "$EXPECTED_NAME" "$actual" "$EXPECTED_CGROUP" "$(nproc)"
