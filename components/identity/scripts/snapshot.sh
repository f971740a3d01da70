#!/usr/bin/env bash
# Writes the resolved config (stdin, JSON) beside the run's results: <RESULTS_DIR>/<RUN_ID>/<STACK>/config.json.
# Results are the product of a run, not infrastructure: destroy keeps them.
set -euo pipefail
: "${RESULTS_DIR:?}" "${RUN_ID:?}" "${STACK:?}"
dir="${RESULTS_DIR}/${RUN_ID}/${STACK}"
mkdir -p "$dir"
tmp="$(mktemp "${dir}/.config.json.XXXXXX")"
cat >"$tmp"
mv -f "$tmp" "${dir}/config.json"
printf '%s\n' "${dir}/config.json"
