# shellcheck shell=bash
# Write this cluster's configuration on one node: the instance's system.toml, the CURVE certificate (stdin, mode
# 0600), the job wrapper and the node's directories. Idempotent; files are replaced atomically (the stage library's
# write_file). Prints one JSON line.
set -euo pipefail
: "${ROOT:?cluster state directory}"
: "${NODE:?node name}"
: "${SYSTEM_TOML:?rendered system.toml}"
: "${JOB_SCRIPT_TEXT:?job wrapper}"

cert="$(cat)"
[[ "$cert" == *curve* || "$cert" == *secret-key* ]] || die "no CURVE certificate on stdin"

install -d -m 0755 "$ROOT" "$ROOT/etc" "$ROOT/etc/flux" "$ROOT/jobs" "$ROOT/jobs/out" "$ROOT/samplers" "$ROOT/nodes"
install -d -m 0755 "$ROOT/nodes/$NODE"
printf '%s\n' "$SYSTEM_TOML" | write_file "$ROOT/etc/flux/system.toml" 0644
printf '%s\n' "$cert" | write_file "$ROOT/etc/curve.cert" 0600
printf '%s' "$JOB_SCRIPT_TEXT" | write_file "$ROOT/jobs/job.sh" 0755
jq -cn --arg node "$NODE" --arg root "$ROOT" '{node:$node,root:$root,configured:true}'
