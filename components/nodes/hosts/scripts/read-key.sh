#!/bin/bash
# Prints the SSH private key file for the hosts backend on stdout (the resource marks it secret). Fails with the
# path when the file is missing or is not a private key.
set -euo pipefail

: "${KEY_PATH:?private key file}"

[ -r "$KEY_PATH" ] || { echo "read-key.sh: cannot read $KEY_PATH (backend.privateKeyPath)" >&2; exit 1; }
if ! ssh-keygen -y -f "$KEY_PATH" >/dev/null 2>&1; then
  echo "read-key.sh: $KEY_PATH is not an unencrypted OpenSSH/PEM private key" >&2
  exit 1
fi
cat "$KEY_PATH"
