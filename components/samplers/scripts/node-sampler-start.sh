# shellcheck shell=bash
# Start this node's sampler in the background: every INTERVAL_MS it appends one JSON line of cumulative
# counters (CPU ns, memory bytes, disk and network bytes) read from the node's own cgroup when it is in one
# (/proc/self/cgroup), else from /proc, and energy where a source exists (energy.sh, in front of this script).
# The first line names the sources. Prints {"pid":…,"sources":…}. Also makes JOB_FILES_DIR when given.
set -euo pipefail
: "${SAMPLER_DIR:?directory of this run samples on this node}"
: "${INTERVAL_MS:?sample interval (ms)}"
: "${IFACE:?network interface of the node}"
skip_if_done

install -d -m 0755 "$SAMPLER_DIR"
# The directory the run's jobs write their files to on this node (the scheduler's jobFilesDir): made here, on
# every node before the submit stage, because a job may start on any of them.
[[ -z "${JOB_FILES_DIR:-}" ]] || install -d -m 0755 "$JOB_FILES_DIR"
if pid_alive "$SAMPLER_DIR/sampler.pid" bash; then
  printf '{"pid":%s,"running":true}\n' "$(<"$SAMPLER_DIR/sampler.pid")"
  exit 0
fi

# cgroup_path CONTROLLER : this process's cgroup v1 path for CONTROLLER (empty when absent).
cgroup_path() {
  local line ctrls path
  while IFS= read -r line; do
    ctrls="${line#*:}"; path="${ctrls#*:}"; ctrls="${ctrls%%:*}"
    if [[ ",$ctrls," == *",$1,"* ]]; then printf '%s' "$path"; return; fi
  done </proc/self/cgroup
}
v2_path() {
  local line
  while IFS= read -r line; do [[ "$line" == 0::* ]] && { printf '%s' "${line#0::}"; return; }; done </proc/self/cgroup
}

cpu_file='' mem_file='' mem_stat='' disk_file=''
cpu_src='/proc/stat (whole host)' mem_src='/proc/meminfo (whole host)' disk_src='/proc/diskstats (whole host)'
p="$(cgroup_path cpuacct)"
if [[ -n "$p" && "$p" != / && -r "/sys/fs/cgroup/cpuacct$p/cpuacct.usage" ]]; then
  cpu_file="/sys/fs/cgroup/cpuacct$p/cpuacct.usage"; cpu_src="cgroup-v1:cpuacct.usage $p"
fi
p="$(cgroup_path memory)"
if [[ -n "$p" && "$p" != / && -r "/sys/fs/cgroup/memory$p/memory.usage_in_bytes" ]]; then
  mem_file="/sys/fs/cgroup/memory$p/memory.usage_in_bytes"; mem_stat="/sys/fs/cgroup/memory$p/memory.stat"
  mem_src="cgroup-v1:memory.usage_in_bytes-total_inactive_file $p"
fi
p="$(cgroup_path blkio)"
if [[ -n "$p" && "$p" != / && -r "/sys/fs/cgroup/blkio$p/blkio.throttle.io_service_bytes" ]]; then
  disk_file="/sys/fs/cgroup/blkio$p/blkio.throttle.io_service_bytes"; disk_src="cgroup-v1:blkio.throttle.io_service_bytes $p"
fi
p="$(v2_path)"
if [[ -f /sys/fs/cgroup/cgroup.controllers && -n "$p" && "$p" != / ]]; then
  v2="/sys/fs/cgroup$p"
  [[ -z "$cpu_file" && -r "$v2/cpu.stat" ]] && { cpu_file="$v2/cpu.stat"; cpu_src="cgroup-v2:cpu.stat $p"; }
  [[ -z "$mem_file" && -r "$v2/memory.current" ]] && { mem_file="$v2/memory.current"; mem_stat="$v2/memory.stat"; mem_src="cgroup-v2:memory.current-inactive_file $p"; }
  [[ -z "$disk_file" && -r "$v2/io.stat" ]] && { disk_file="$v2/io.stat"; disk_src="cgroup-v2:io.stat $p"; }
fi
net_src="/proc/net/dev $IFACE (the node's network namespace)"
# Energy (energy.sh): pm_counters, RAPL or IPMI DCMI, attributed by CPU share when the CPU figure is a cgroup's.
energy_probe "$([[ -n "$cpu_file" ]] && echo 1)"

sample_loop() {
  local fifo="$SAMPLER_DIR/tick" interval cpu mem inactive dr dw rx tx line key val a b c d e f name
  local stopping=''
  echo "$BASHPID" >"$SAMPLER_DIR/sampler.pid"
  local ipmi_poller=''
  if [[ "$ENERGY_KIND" == ipmi ]]; then
    energy_ipmi_poll "$SAMPLER_DIR/ipmi.last" "$((INTERVAL_MS / 1000)).$(printf '%03d' $((INTERVAL_MS % 1000)))" "$BASHPID" &
    ipmi_poller=$!
  fi
  trap '[[ -z "$ipmi_poller" ]] || kill "$ipmi_poller" 2>/dev/null; exit 0' TERM
  rm -f "$fifo"; mkfifo "$fifo"; exec 3<>"$fifo"
  interval="$((INTERVAL_MS / 1000)).$(printf '%03d' $((INTERVAL_MS % 1000)))"
  while true; do
    cpu=0 mem=0 inactive=0 dr=0 dw=0 rx=0 tx=0
    if [[ "$cpu_file" == */cpuacct.usage ]]; then
      read -r cpu <"$cpu_file"
    elif [[ "$cpu_file" == */cpu.stat ]]; then
      while read -r key val; do [[ "$key" == usage_usec ]] && cpu=$((val * 1000)); done <"$cpu_file"
    else
      # user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
      read -r _ a b c _ _ d e f _ <"/proc/stat"
      cpu=$(( (a + b + c + d + e + f) * 1000000000 / CLK_TCK ))
    fi
    if [[ -n "$mem_file" ]]; then
      read -r mem <"$mem_file"
      while read -r key val; do
        [[ "$key" == "$INACTIVE_KEY" ]] && inactive=$val
      done <"$mem_stat"
      mem=$((mem - inactive))
    else
      while read -r key val _; do
        case "$key" in MemTotal:) a=$val ;; MemAvailable:) b=$val ;; esac
      done </proc/meminfo
      mem=$(( (a - b) * 1024 ))
    fi
    if [[ "$disk_file" == */blkio.throttle.io_service_bytes ]]; then
      while read -r a key val; do
        case "$key" in Read) dr=$((dr + val)) ;; Write) dw=$((dw + val)) ;; esac
      done <"$disk_file"
    elif [[ "$disk_file" == */io.stat ]]; then
      while read -r -a f; do
        for line in "${f[@]}"; do
          case "$line" in rbytes=*) dr=$((dr + ${line#rbytes=})) ;; wbytes=*) dw=$((dw + ${line#wbytes=})) ;; esac
        done
      done <"$disk_file"
    else
      while read -r _ _ name _ _ a _ _ _ b _; do
        [[ -e "/sys/block/$name" && "$name" != loop* && "$name" != ram* ]] || continue
        dr=$((dr + a * 512)); dw=$((dw + b * 512))
      done </proc/diskstats
    fi
    while IFS= read -r line; do
      name="${line%%:*}"; name="${name// /}"
      if [[ "$name" == "$IFACE" ]]; then
        read -r -a f <<<"${line#*:}"
        rx=${f[0]}; tx=${f[8]}
      fi
    done </proc/net/dev
    energy_read "$SAMPLER_DIR/ipmi.last"
    printf '{"t":%s,"cpuNs":%s,"memBytes":%s,"diskReadBytes":%s,"diskWriteBytes":%s,"netRxBytes":%s,"netTxBytes":%s%s}\n' \
      "$EPOCHREALTIME" "$cpu" "$mem" "$dr" "$dw" "$rx" "$tx" "$ENERGY_JSON" >>"$SAMPLER_DIR/samples.jsonl"
    [[ -z "$stopping" ]] || exit 0
    # The tick FIFO doubles as the stop line: `stop` (node-sampler-stop.sh) ends the wait at once, and the loop
    # takes one last sample so the run's tail is recorded up to the moment the sampler stops.
    if read -r -t "$interval" -u 3 line && [[ "$line" == stop ]]; then stopping=1; fi
  done
}

sources="$(jq -cn --arg cpu "$cpu_src" --arg memory "$mem_src" --arg disk "$disk_src" --arg network "$net_src" \
  --arg energy "$ENERGY_SOURCE" '{cpu:$cpu,memory:$memory,disk:$disk,network:$network,energy:$energy}')"
printf '%s\n' "$sources" >"$SAMPLER_DIR/sources.json"
: >"$SAMPLER_DIR/samples.jsonl"
rm -f "$SAMPLER_DIR/sampler.pid"
INACTIVE_KEY=total_inactive_file
[[ "$mem_file" == */memory.current ]] && INACTIVE_KEY=inactive_file
CLK_TCK="$(getconf CLK_TCK)"
export SAMPLER_DIR INTERVAL_MS IFACE cpu_file mem_file mem_stat disk_file INACTIVE_KEY CLK_TCK
energy_state="$(declare -p ENERGY_KIND ENERGY_ATTRIBUTE PM_DIR RAPL_FILES RAPL_MAX_UJ PROC_STAT IPMI_TIMEOUT_S)"
setsid bash -c "$energy_state; $(declare -f sample_loop energy_read pm_value ipmi_watts energy_ipmi_poll); sample_loop" node-sampler </dev/null >>"$SAMPLER_DIR/sampler.log" 2>&1 &
wait_until 10 "the sampler to write its pid file" test -s "$SAMPLER_DIR/sampler.pid"
printf '{"pid":%s,"sources":%s}\n' "$(<"$SAMPLER_DIR/sampler.pid")" "$sources"
