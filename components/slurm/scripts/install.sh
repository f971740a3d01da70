# shellcheck shell=bash
# Install SLURM, munge, MariaDB and the load tools where missing (the stage library's install_packages: idempotent,
# one install at a time per host, as netns nodes share its dpkg) and report what is installed, for provenance:
# {"packages":{"slurm":…,"munge":…,"mariadb":…,"stress-ng":…},"os":…,"kernel":…,"host":…,"hostCpus":…}.
set -euo pipefail
: "${PACKAGES:?Debian packages a SLURM node needs, space-separated}"
read -r -a packages <<<"$PACKAGES"
install_packages "${packages[@]}"
jq -cn --argjson facts "$(machine_facts)" --arg slurm "$(package_version slurmctld)" \
  --arg munge "$(package_version munge)" --arg mariadb "$(package_version mariadb-server)" \
  --arg stressng "$(package_version stress-ng)" \
  '{packages: {slurm: $slurm, munge: $munge, mariadb: $mariadb, "stress-ng": $stressng}} + $facts'
