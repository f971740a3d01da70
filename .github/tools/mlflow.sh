#!/usr/bin/env bash
# Installs the pinned MLflow server (PyPI) into the project's virtual environment `.venv`, for the tracking
# end-to-end tests. Idempotent: does nothing when that version is already there. Prints the mlflow path.
# Environment: MLFLOW_VERSION (default the pinned one), SCHEDBENCH_VENV (default <repo>/.venv), PYTHON (default python3).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="${MLFLOW_VERSION:-3.17.2}"
venv="${SCHEDBENCH_VENV:-$repo/.venv}"
python="${PYTHON:-python3}"
if [[ -x "$venv/bin/mlflow" ]] && [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null)" == "$version" ]]; then
  echo "$venv/bin/mlflow"
  exit 0
fi
echo "mlflow.sh: installing mlflow==$version into $venv" >&2
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mlflow==$version" >&2
echo "$venv/bin/mlflow"
