#!/bin/bash
# Bounded poll until the node, presenting its pinned host key, accepts an SSH login with the cluster key (stdin) — the real condition the
# scheduler needs. On timeout prints the last SSH error and the tail of the guest's console log.
# stdout: {"address", "seconds"}
set -euo pipefail

: "${ADDRESS:?node address}"
: "${SSH_USER:?login user}"
: "${TIMEOUT_SECONDS:?bound on the wait}"
: "${HOST_KEY:?SSH host public key of the node, pinned}"
CONSOLE_LOG="${CONSOLE_LOG:-}"

keydir="$(mktemp -d)"
trap 'rm -rf "$keydir"' EXIT
umask 077
# Command outputs lose their trailing newline; OpenSSH rejects a key file without one.
key="$(cat)"
printf '%s\n' "$key" >"$keydir/key"
if ! ssh-keygen -y -f "$keydir/key" >/dev/null; then
  echo "wait-ssh.sh: the private key on stdin is not a valid OpenSSH key" >&2
  exit 1
fi

# Only the host key the program made for this node is accepted: no trust on first use.
printf '%s %s\n' "$ADDRESS" "$HOST_KEY" >"$keydir/known_hosts"

start="$(date +%s)"
deadline=$((start + TIMEOUT_SECONDS))
last=""
while :; do
  if last="$(ssh -i "$keydir/key" -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$keydir/known_hosts" \
    -o ConnectTimeout=5 -o LogLevel=ERROR "$SSH_USER@$ADDRESS" true 2>&1)"; then
    jq -cn --arg a "$ADDRESS" --argjson s "$(($(date +%s) - start))" '{address: $a, seconds: $s}'
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "wait-ssh.sh: $ADDRESS did not accept SSH within $TIMEOUT_SECONDS s; last error: $last" >&2
    if [ -n "$CONSOLE_LOG" ] && [ -r "$CONSOLE_LOG" ]; then
      echo "--- last lines of $CONSOLE_LOG ---" >&2
      tail -n 30 "$CONSOLE_LOG" >&2
    fi
    exit 1
  fi
  sleep 1
done
