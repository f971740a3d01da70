#!/usr/bin/env bash
# Measures the CPUs this host gives us: netns nodes share them, so the profile may oversubscribe them.
set -euo pipefail
cores=$(nproc)
printf '{"cores":%d}\n' "$cores"
