# shellcheck shell=bash
# The run's job files on this node — JOB_FILES_DIR, where the scheduler's job wrapper wrote <jobid>.times and
# <jobid>.yaml — as one JSON document {"metrics":{"<jobid>":"<yaml>"},"times":{"<jobid>":"<lines>"}}; the
# directory is removed. Run on the nodes that do not share the collect node's filesystem. Safe to repeat.
set -euo pipefail
: "${JOB_FILES_DIR:?directory of the job files of the run on this node}"
skip_if_done
shopt -s nullglob
files=("$JOB_FILES_DIR"/*.yaml "$JOB_FILES_DIR"/*.times)
if ((${#files[@]} == 0)); then
  printf '{"metrics":{},"times":{}}\n'
else
  jq -cnR 'reduce inputs as $l ({metrics: {}, times: {}};
    (input_filename | sub(".*/"; "")) as $f
    | if ($f | endswith(".yaml")) then .metrics[$f | sub("\\.yaml$"; "")] += $l + "\n"
      else .times[$f | sub("\\.times$"; "")] += $l + "\n" end)' "${files[@]}"
fi
rm -rf "${JOB_FILES_DIR:?}"
