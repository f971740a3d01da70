# shellcheck shell=bash
# Helpers prepended to the libvirt backend's host scripts (LibvirtNodes.ts), after components/prelude.sh and
# storage.sh. The scripts also run on remote hypervisors as this same text, so it stays self-contained.

# host_lock : serialise this host's libvirt changes (fd 9) with a lock in root's private 0700 directory, never
# in a directory others can write (where root could be made to open a planted symlink).
host_lock() {
  local dir=/run/schedbench/lock
  [ -d /run/schedbench ] || mkdir -m 0755 /run/schedbench
  [ -d "$dir" ] || mkdir -m 0700 "$dir"
  if [ -L /run/schedbench ] || [ -L "$dir" ] || [ "$(stat -c '%u %a' "$dir")" != "0 700" ]; then
    echo "${0##*/}: ${dir} must be a directory of root's with mode 0700" >&2
    exit 1
  fi
  exec 9>>"$dir/libvirt.lock"
  flock -w 120 9
}

# on_hypervisor NAME… : on a remote hypervisor (HV_SSH=user@host, from a qemu+ssh URI), runs this same script
# there and exits with its status; on this machine, returns. The parameters NAME… travel on ssh's stdin, ahead of
# the script, as shell assignments the remote bash reads whole before it runs anything — never in an argv (ssh's
# here, the remote shell's there), where any local user reads them in /proc/<pid>/cmdline: the cloud-init seed
# carries the VM's SSH host private key. HV_SSH is not passed on, so the script runs locally there. The remote login
# shell must be bash.
on_hypervisor() {
  [[ -n ${HV_SSH:-} ]] || return 0
  local name status=0
  {
    for name in "$@"; do printf '%s=%q\n' "$name" "${!name}"; done
    printf '%s\n' "${BASH_EXECUTION_STRING:-$(cat "$0")}"
  } | ssh -o BatchMode=yes -- "$HV_SSH" "$REMOTE_RUNNER $(printf '%q' "${0##*/}")" || status=$?
  exit "$status"
}

# What the remote login shell runs, followed by the script's name (its $0 there): read the whole of stdin, then run
# it (stdin is then empty for the script's commands, which cannot swallow the rest of it). No parameter is ever
# part of it.
# shellcheck disable=SC2016 # expanded by the remote shell
REMOTE_RUNNER='bash -c '\''script=$(cat) && eval "$script"'\'''

# The owner of the libvirt objects the backend makes, `<cluster>@<stack>`, kept in their definitions' metadata
# (domainXml.ts, networkXml.ts: OWNER_XMLNS); libvirt objects of another owner are never changed or removed.
OWNER_XMLNS='https://schedbench.invalid/xmlns/libvirt/owner/1'

# owner_in XML : the owner recorded in a domain's or network's XML, or nothing.
owner_in() {
  sed -n "s|.*<schedbench:owner xmlns:schedbench=[\"']${OWNER_XMLNS}[\"']>\([^<]*\)</schedbench:owner>.*|\1|p" <<<"$1"
}

# domain_owner DOMAIN / network_owner NETWORK : its recorded owner, or nothing (none, or no such object).
domain_owner() { owner_in "$(virsh -c "$VIRSH_URI" dumpxml --inactive "$1" 2>/dev/null || true)"; }
network_owner() { owner_in "$(virsh -c "$VIRSH_URI" net-dumpxml --inactive "$1" 2>/dev/null || true)"; }
