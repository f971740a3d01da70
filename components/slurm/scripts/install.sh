# shellcheck shell=bash
# Install SLURM, munge, MariaDB and the load tools (idempotent; serialised by flock because netns nodes share
# one host and dpkg). Prints {"packages":{…},"os":…,"kernel":…,"host":…}.
set -euo pipefail
lock="${SCHEDBENCH_APT_LOCK:-/run/schedbench/lock/apt.lock}" && install -d -m 0700 "${lock%/*}" # root's 0700 dir, not /var/lock
packages=(slurmctld slurmd slurmdbd slurm-client munge mariadb-server mariadb-client stress-ng jq procps iproute2)

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
    # No init system: keep maintainer scripts from starting daemons; our start scripts own them.
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}" >&2
  fi
fi

version() { dpkg-query -W -f='${Version}' "$1"; }
# shellcheck source=/dev/null
. /etc/os-release
jq -cn \
  --arg slurm "$(version slurmctld)" --arg munge "$(version munge)" --arg mariadb "$(version mariadb-server)" \
  --arg stressng "$(version stress-ng)" --arg os "${PRETTY_NAME:-unknown}" --arg kernel "$(uname -r)" \
  --arg host "$(hostname)" --argjson cpus "$(nproc --all)" \
  '{packages:{slurm:$slurm,munge:$munge,mariadb:$mariadb,"stress-ng":$stressng},os:$os,kernel:$kernel,host:$host,hostCpus:$cpus}'
