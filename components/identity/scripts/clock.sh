#!/usr/bin/env bash
# Prints the UTC instant of the first `up` of this config (the run id's timestamp). Pulumi keeps the output,
# so the run id stays the same for the rest of this `up`, later `up`s and previews, until the config changes.
set -euo pipefail
date -u +%Y%m%dT%H%M%SZ
