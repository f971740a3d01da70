#!/usr/bin/env bash
# Creates a netns cluster's network: a bridge with the host's address on the cluster subnet (no NAT, no
# routing: nodes reach each other and the host only; an iptables ACCEPT for what stays on the bridge) and the
# hosts file every node sees as /etc/hosts.
# Idempotent. Refuses a subnet that another interface or route of this host already uses.
set -euo pipefail
: "${CLUSTER:?}" "${SUBNET:?}" "${PREFIX:?}" "${HOST_ADDRESS:?}" "${BRIDGE:?}" "${STATE_ROOT:?}"
: "${CLUSTER_DIR:?}" "${HOSTS_FILE:?}" "${HOSTS_CONTENT:?}" "${CGROUP_PATH:?}" "${LOCK_FILE:?}" "${STACK:?}"
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_SUBJECT=$CLUSTER

# Ownership markers carry the stack too: two stacks that name the same cluster never take over each other's.
alias_tag="schedbench:${CLUSTER}@${STACK}"

ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# True when two IPv4 networks (a.b.c.d/p; a bare address is a /32) share any address.
overlaps() {
  local n1=${1%/*} n2=${2%/*} p1=32 p2=32
  [[ $1 == */* ]] && p1=${1#*/}
  [[ $2 == */* ]] && p2=${2#*/}
  local p=$((p1 < p2 ? p1 : p2))
  local mask=$(((0xFFFFFFFF << (32 - p)) & 0xFFFFFFFF))
  (($(($(ip_to_int "$n1") & mask)) == $(($(ip_to_int "$n2") & mask))))
}

# Every IPv4 network in use on this host, as "<cidr> <interface>" lines (addresses and main-table routes).
networks_in_use() {
  ip -4 -o addr show | awk '{print $4, $2}'
  ip -4 route show table main | awk '$1 != "default" { for (i = 2; i < NF; i++) if ($i == "dev") print $1, $(i + 1) }'
}

check_subnet_free() {
  local cidr dev
  while read -r cidr dev; do
    [[ $dev == "$BRIDGE" ]] && continue
    if overlaps "$SUBNET" "$cidr"; then
      die "schedbench:backend.subnet: ${SUBNET} overlaps ${cidr} on interface ${dev}, already in use on this host;" \
        "set schedbench:backend.subnet to a free network"
    fi
  done < <(networks_in_use)
}

take_host_lock
state_root_ready

# Every refusal comes before the first change: another stack's bridge, a subnet in use, a directory not ours.
created=false
if [[ -e /sys/class/net/$BRIDGE ]]; then
  owner=$(cat "/sys/class/net/$BRIDGE/ifalias")
  [[ $owner == "$alias_tag" ]] || die "interface ${BRIDGE} exists and belongs to '${owner}', not ${alias_tag}"
else
  check_subnet_free
fi
own_dir "$CLUSTER_DIR" .schedbench-netns "$CLUSTER@$STACK"

if [[ ! -e /sys/class/net/$BRIDGE ]]; then
  ip link add name "$BRIDGE" type bridge
  ip link set dev "$BRIDGE" alias "$alias_tag"
  created=true
fi
ip addr replace "${HOST_ADDRESS}/${PREFIX}" dev "$BRIDGE"
ip link set dev "$BRIDGE" up
# Nodes reach each other through the bridge even where a firewall drops forwarded traffic (Docker's FORWARD DROP).
allow_bridge_forwarding "$alias_tag"

# Written in place (not renamed) so nodes that bind-mounted it already see the new content.
printf '%s' "$HOSTS_CONTENT" | write_file "$HOSTS_FILE" 644

printf '{"cluster":"%s","bridge":"%s","subnet":"%s","hostAddress":"%s","created":%s}\n' \
  "$CLUSTER" "$BRIDGE" "$SUBNET" "$HOST_ADDRESS" "$created"
