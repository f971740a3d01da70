# shellcheck shell=bash disable=SC2034  # the globals set here are read by node-sampler-start.sh
# Energy probe and reader of the node sampler (node-sampler-start.sh puts this file in front of itself through
# components/script.ts preludedScript). Not run on its own. The first source that answers wins:
#   1. HPE Cray pm_counters: $SYSFS_ROOT/sys/cray/pm_counters/energy, "<J> J <timestamp> us", whole node
#      (includes CPU, memory and accelerators); read between two reads of `freshness` (a free-running counter,
#      ~10 Hz: equal before and after = a consistent set, retried up to 3 times); `generation` (changes when the
#      power cap changes) is recorded so the conversion can say the cap changed during a run.
#   2. RAPL through powercap: $SYSFS_ROOT/sys/class/powercap/intel-rapl:* zones named package-N and dram
#      (core/uncore are parts of a package, psys overlaps them all; AMD Zen exposes its packages under the same
#      intel-rapl names), energy_uj in µJ, wrapping at max_energy_range_uj (undone in convert.ts).
#   3. IPMI DCMI: `ipmitool dcmi power reading` (W, instantaneous), only when ipmitool exists and answers within
#      IPMI_TIMEOUT_S (default 1 s); polled by a background loop so a slow BMC never delays a sample.
# Every source is a whole-host reading: when the node's CPU figure is its own cgroup's (ENERGY_ATTRIBUTE=1), each
# sample also carries the host's busy CPU time ($PROC_ROOT/proc/stat) so convert.ts can attribute energy to the
# node by its share of CPU time. SYSFS_ROOT and PROC_ROOT (default /) let tests point the probe at a made-up tree.

# energy_probe CPU_IS_CGROUP : sets ENERGY_KIND (pm_counters|rapl|ipmi|none), ENERGY_SOURCE (sources.energy) and
# what energy_read needs (PM_DIR, RAPL_FILES, RAPL_MAX_UJ, PROC_STAT, ENERGY_ATTRIBUTE, IPMI_TIMEOUT_S).
energy_probe() {
  local sys zone name value out watts names=''
  sys="${SYSFS_ROOT:-/}"
  sys="${sys%/}/sys"
  PROC_STAT="${PROC_ROOT:-/}"
  PROC_STAT="${PROC_STAT%/}/proc/stat"
  IPMI_TIMEOUT_S="${IPMI_TIMEOUT_S:-1}"
  CLK_TCK="${CLK_TCK:-$(getconf CLK_TCK)}"
  ENERGY_ATTRIBUTE=''
  [[ "${1:-}" == 1 ]] && ENERGY_ATTRIBUTE=1
  ENERGY_KIND=none ENERGY_SOURCE=none PM_DIR='' RAPL_FILES=() RAPL_MAX_UJ=()
  local scope='whole host'
  [[ -n "$ENERGY_ATTRIBUTE" ]] && scope='whole host, attributed to the node by its share of busy CPU time'

  PM_DIR="$sys/cray/pm_counters"
  if [[ -r "$PM_DIR/energy" ]] && read -r value _ <"$PM_DIR/energy" && [[ "$value" =~ ^[0-9]+$ ]]; then
    ENERGY_KIND=pm_counters
    ENERGY_SOURCE="pm_counters: $PM_DIR/energy (J; $scope)"
    return 0
  fi
  PM_DIR=''

  for zone in "$sys"/class/powercap/intel-rapl:*; do
    [[ -r "$zone/name" && -r "$zone/energy_uj" && -r "$zone/max_energy_range_uj" ]] || continue
    read -r name <"$zone/name"
    [[ "$name" == package-* || "$name" == dram ]] || continue
    read -r value 2>/dev/null <"$zone/energy_uj" || continue # root-only since CVE-2020-8694
    [[ "$value" =~ ^[0-9]+$ ]] || continue
    read -r value <"$zone/max_energy_range_uj"
    RAPL_FILES+=("$zone/energy_uj")
    RAPL_MAX_UJ+=("$value")
    names+="${names:+,}${zone##*/}=$name"
  done
  if ((${#RAPL_FILES[@]} > 0)); then
    ENERGY_KIND=rapl
    ENERGY_SOURCE="rapl: $names (µJ, wrap-around at max_energy_range_uj undone; $scope)"
    return 0
  fi

  if command -v ipmitool >/dev/null 2>&1 && out="$(timeout "$IPMI_TIMEOUT_S" ipmitool dcmi power reading 2>/dev/null)"; then
    watts="$(ipmi_watts <<<"$out")"
    if [[ -n "$watts" ]]; then
      ENERGY_KIND=ipmi
      ENERGY_SOURCE="ipmi: ipmitool dcmi power reading (W, integrated over time; $scope)"
    fi
  fi
  return 0
}

# ipmi_watts < OUTPUT : the instantaneous reading (W) of `ipmitool dcmi power reading`, empty when deactivated.
ipmi_watts() {
  local line watts='' active=1
  while IFS= read -r line; do
    [[ "$line" =~ Instantaneous\ power\ reading:\ *([0-9]+(\.[0-9]+)?)\ *Watts ]] && watts="${BASH_REMATCH[1]}"
    [[ "$line" == *"Power reading state is:"*deactivated* ]] && active=''
  done
  [[ -n "$active" ]] && printf '%s' "$watts"
  return 0
}

# pm_value NAME : first token of pm_counters/NAME (empty when the file is absent).
pm_value() {
  local value=''
  [[ -r "$PM_DIR/$1" ]] && read -r value _ <"$PM_DIR/$1"
  printf '%s' "$value"
}

# energy_read [IPMI_FILE] : sets ENERGY_JSON, the fields this sample adds to its JSON line (empty for none):
# ,"energy":{…} and, when attributing, ,"hostCpuNs":<busy ns of the whole host>.
energy_read() {
  local value f1 f2 gen i uj a b c d e f
  ENERGY_JSON=''
  case "$ENERGY_KIND" in
    pm_counters)
      for _ in 1 2 3; do
        f1="$(pm_value freshness)"
        value="$(pm_value energy)"
        gen="$(pm_value generation)"
        f2="$(pm_value freshness)"
        [[ "$f1" == "$f2" ]] && break
      done
      [[ "$value" =~ ^[0-9]+$ ]] || return 0
      [[ "$gen" =~ ^[0-9]+$ ]] || gen=null
      ENERGY_JSON=",\"energy\":{\"src\":\"pm_counters\",\"j\":$value,\"gen\":$gen}"
      ;;
    rapl)
      uj=''
      for i in "${!RAPL_FILES[@]}"; do
        read -r value <"${RAPL_FILES[$i]}" || return 0
        uj+="${uj:+,}$value"
      done
      ENERGY_JSON=",\"energy\":{\"src\":\"rapl\",\"uj\":[$uj],\"maxUj\":[$(IFS=,; printf '%s' "${RAPL_MAX_UJ[*]}")]}"
      ;;
    ipmi)
      value=''
      [[ -n "${1:-}" && -r "$1" ]] && read -r value <"$1"
      [[ "$value" =~ ^[0-9]+(\.[0-9]+)?$ ]] || value=null
      ENERGY_JSON=",\"energy\":{\"src\":\"ipmi\",\"w\":$value}"
      ;;
    *) return 0 ;;
  esac
  if [[ -n "$ENERGY_ATTRIBUTE" ]]; then
    # user nice system idle iowait irq softirq steal: busy = all but idle and iowait (as the CPU figure).
    read -r _ a b c _ _ d e f _ <"$PROC_STAT"
    ENERGY_JSON+=",\"hostCpuNs\":$(((a + b + c + d + e + f) * 1000000000 / CLK_TCK))"
  fi
  return 0
}

# energy_ipmi_poll FILE INTERVAL_S PARENT_PID : every INTERVAL_S, the latest DCMI reading (W) into FILE (atomically,
# the last good one kept when a poll fails); ends when PARENT_PID does.
energy_ipmi_poll() {
  local file="$1" interval="$2" parent="$3" out watts
  while kill -0 "$parent" 2>/dev/null; do
    if out="$(timeout "$IPMI_TIMEOUT_S" ipmitool dcmi power reading 2>/dev/null)"; then
      watts="$(ipmi_watts <<<"$out")"
      if [[ -n "$watts" ]]; then printf '%s\n' "$watts" >"$file.tmp" && mv -f "$file.tmp" "$file"; fi
    fi
    sleep "$interval"
  done
}
