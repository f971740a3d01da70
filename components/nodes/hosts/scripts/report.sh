#!/bin/bash
# Runs on a node over SSH: reports what the node is (hostname, CPUs, memory, kernel, OS). When EXPECT_* are set
# (VM backends, whose sshd accepts the environment) it also checks them and fails naming the value that differs.
# stdout: {"hostname", "vcpus", "memoryMiB", "kernel", "os", "acceptEnv"} — acceptEnv: whether the variable
# SCHEDBENCH_ENV_PROBE the caller sent arrived (sshd's AcceptEnv; schedulers' scripts take their parameters so).
set -euo pipefail

EXPECT_HOSTNAME="${EXPECT_HOSTNAME:-}"
EXPECT_VCPUS="${EXPECT_VCPUS:-}"
# Minimum MemTotal (MiB): the kernel keeps part of a VM's memory for itself, so the caller passes a floor.
EXPECT_MIN_MEMORY_MIB="${EXPECT_MIN_MEMORY_MIB:-}"

name="$(cat /proc/sys/kernel/hostname)"
vcpus="$(nproc)"
memory_mib=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
kernel="$(uname -r)"
# Quotes and backslashes dropped so the values need no JSON escaping (hosts may have no jq).
os="$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null | tr -d '\042\134')"
os="${os:-unknown}"

accept_env=false
if [ "${SCHEDBENCH_ENV_PROBE:-}" = "1" ]; then accept_env=true; fi

fail=""
if [ -n "$EXPECT_HOSTNAME" ] && [ "$name" != "$EXPECT_HOSTNAME" ]; then
  fail+="hostname is $name, expected $EXPECT_HOSTNAME; "
fi
if [ -n "$EXPECT_VCPUS" ] && [ "$vcpus" != "$EXPECT_VCPUS" ]; then
  fail+="$vcpus CPUs, the profile gives $EXPECT_VCPUS; "
fi
if [ -n "$EXPECT_MIN_MEMORY_MIB" ] && [ "$memory_mib" -lt "$EXPECT_MIN_MEMORY_MIB" ]; then
  fail+="$memory_mib MiB of memory, at least $EXPECT_MIN_MEMORY_MIB expected; "
fi
if [ -n "$fail" ]; then
  echo "report.sh: node $name: ${fail%; }" >&2
  exit 1
fi

printf '{"hostname":"%s","vcpus":%d,"memoryMiB":%d,"kernel":"%s","os":"%s","acceptEnv":%s}\n' \
  "$name" "$vcpus" "$memory_mib" "$kernel" "$os" "$accept_env"
