# shellcheck shell=bash
# The rules for the directories the libvirt backend writes in as root — schedbench:backend.storageDir (node
# overlays, seeds and console logs, host records) and its image cache — the netns backend's rules for its stateDir
# (components/nodes/netns/scripts/lib.sh): every directory on the path is a real directory (no symlink) that only
# root can change, a node's directory carries a marker naming its cluster and stack, and a directory without that
# marker is never adopted, written into or removed. Prepended to the backend's host scripts and to the image build
# (components/image/build.sh); self-contained, as those also run on remote hypervisors.

# storage_die MESSAGE… : the message on stderr, named after the script, and exit 1.
storage_die() {
  printf '%s: %s\n' "${0##*/}" "$*" >&2
  exit 1
}

# trusted_dir DIR : DIR is a real directory (no symlink anywhere on its path) that only root can change, and so is
# every directory above it. A directory anyone else can write (e.g. /tmp) could have a symlink swapped in.
trusted_dir() {
  local dir=$1 uid mode
  [[ $(realpath -e -- "$dir" 2>/dev/null) == "$dir" ]] || return 1
  while :; do
    [[ -d $dir && ! -L $dir ]] || return 1
    read -r uid mode < <(stat -c '%u %a' -- "$dir")
    ((uid == 0 && (8#$mode & 8#022) == 0)) || return 1
    [[ $dir == / ]] && return 0
    dir=$(dirname "$dir")
  done
}

# trusted_tree DIR SETTING : DIR exists and passes trusted_dir. A missing DIR is made (0755) below its nearest
# existing ancestor, which must pass trusted_dir itself — so no one but root can have put a link in its way.
# SETTING names the configuration key the message points at.
trusted_tree() {
  local dir=$1 setting=$2 parent=$1
  [[ $dir == /* ]] || storage_die "${setting}: ${dir} must be an absolute path"
  while [[ ! -e $parent && ! -L $parent ]]; do parent=$(dirname "$parent"); done
  if [[ $parent != "$dir" ]]; then
    trusted_dir "$parent" ||
      storage_die "${setting}: ${parent} (above ${dir}) must be a real directory (no symlinks) that only root can write, as must every directory above it (found: $(ls -ld -- "$parent" 2>&1)); choose another ${setting}"
    (umask 022 && mkdir -p -- "$dir")
  fi
  trusted_dir "$dir" ||
    storage_die "${setting}: ${dir} must be a real directory (no symlinks) that only root can write, as must every directory above it (found: $(ls -ld -- "$dir" 2>&1)); choose another ${setting}"
}

# VM_MARKER: in the directory of a VM node (overlay, seed, console log); its content is the node's owner,
# `<cluster>@<stack>` (OWNER).
VM_MARKER=.schedbench-vm

# vm_dir_ours DIR OWNER : DIR is a real directory whose marker names OWNER.
vm_dir_ours() {
  [[ -d $1 && ! -L $1 && -f $1/$VM_MARKER && ! -L $1/$VM_MARKER && $(<"$1/$VM_MARKER") == "$2" ]]
}

# own_vm_dir DIR OWNER : DIR is this node's — made here (root's, mode 0711: QEMU's user passes through it to the
# overlay and the seed, nobody else may list or change it) with its marker, or made before with the same marker.
# An existing DIR without it is someone else's, even when empty: refused, never adopted.
own_vm_dir() {
  local dir=$1 owner=$2
  if mkdir -m 0711 -- "$dir" 2>/dev/null; then
    printf '%s\n' "$owner" >"$dir/$VM_MARKER"
  elif ! vm_dir_ours "$dir" "$owner"; then
    if [[ -f $dir/$VM_MARKER && ! -L $dir/$VM_MARKER ]]; then
      storage_die "${dir} belongs to '$(<"$dir/$VM_MARKER")', not '${owner}'"
    fi
    storage_die "${dir} exists without a schedbench marker for '${owner}'; leaving it alone"
  fi
  chmod 0711 -- "$dir"
}
