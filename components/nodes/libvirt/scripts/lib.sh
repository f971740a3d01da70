# shellcheck shell=bash
# Helpers prepended to the libvirt backend's host scripts (LibvirtNodes.ts), after components/prelude.sh. The
# scripts also run on remote hypervisors as `bash -s` of this same text, so it stays self-contained.

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
