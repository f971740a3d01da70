#!/usr/bin/env bash
# Writes the resolved config (stdin, JSON) beside the run's results: <STACK_RESULTS_DIR>/config.json, where
# STACK_RESULTS_DIR is <resultsDir>/<runId>/<stack> (results/vocabulary.ts). Results are the product of a run,
# not infrastructure: destroy keeps them.
set -euo pipefail
: "${STACK_RESULTS_DIR:?directory of the results of this stack}"
dir="$STACK_RESULTS_DIR"
mkdir -p "$dir"
tmp="$(mktemp "${dir}/.config.json.XXXXXX")"
cat >"$tmp"
mv -f "$tmp" "${dir}/config.json"
printf '%s\n' "${dir}/config.json"
