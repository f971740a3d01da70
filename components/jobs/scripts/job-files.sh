# shellcheck shell=bash
# The run's job files on this node — JOB_FILES_DIR, where the scheduler's job wrapper wrote <jobid>.times and
# <jobid>.yaml — as one JSON document {"metrics":{"<jobid>":"<yaml>"},"times":{"<jobid>":"<lines>"}}; the
# directory is removed. Run on the nodes that do not share the collect node's filesystem. Safe to repeat.
set -euo pipefail
: "${JOB_FILES_DIR:?directory of the job files of the run on this node}"
skip_if_done
job_files_json "$JOB_FILES_DIR"
rm -rf "${JOB_FILES_DIR:?}"
