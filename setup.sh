#!/usr/bin/env bash
# Installs what schedbench needs on Debian 12 (run as root), skipping what is already there.
#   ./setup.sh           what the main job needs: the Debian packages of the netns backend, SLURM and Kubernetes's
#                        build tools (.ci/packages/{base,netns,slurm,kubernetes}.txt) and the npm dependencies.
#                        Kubernetes itself is built by the campaign's Kubernetes step (cached), so SLURM's results
#                        come first.
#   ./setup.sh --tests   everything the tests need as well: every package list, the Pulumi engine, MLflow,
#                        actionlint and the Kubernetes build (so its end-to-end tests run).
# Each step's output goes to .schedbench/setup/<step>.log; the terminal shows the step, its elapsed time and what a
# cold run of it takes (a line a minute when not a terminal), and the log's tail when it fails.
# Environment: SCHEDBENCH_ENGINE=0 / SCHEDBENCH_K8S=0 skip the engine / the Kubernetes build of --tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: run as root (network namespaces, cgroups and daemons need it)" >&2
  exit 1
fi
mode=main
case "${1:-}" in
  "") ;;
  --tests) mode=tests ;;
  *)
    echo "setup.sh: unknown argument ${1}; use no argument (the main job) or --tests" >&2
    exit 2
    ;;
esac
logs=.schedbench/setup
mkdir -p "$logs"
started=$SECONDS

# clock SECONDS : "1m05s".
clock() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# run_step I N NAME COLD LOG CMD... : run CMD with its output in LOG, showing progress; on failure the log's tail.
run_step() {
  local i=$1 n=$2 name=$3 cold=$4 log=$5 pid status step_started=$SECONDS last=0 now
  shift 5
  "$@" >"$log" 2>&1 </dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    now=$((SECONDS - step_started))
    if [[ -t 2 ]]; then
      printf '\rsetup [%d/%d] %s: %s (cold: %s; total %s)  ' "$i" "$n" "$name" "$(clock "$now")" "$cold" \
        "$(clock $((SECONDS - started)))" >&2
    elif ((now == 0 || now - last >= 60)); then
      printf 'setup [%d/%d] %s: %s (cold: %s; total %s)\n' "$i" "$n" "$name" "$(clock "$now")" "$cold" \
        "$(clock $((SECONDS - started)))" >&2
      last=$now
    fi
    sleep 1
  done
  status=0
  wait "$pid" || status=$?
  [[ -t 2 ]] && printf '\r\033[K' >&2
  if ((status != 0)); then
    printf 'setup [%d/%d] %s FAILED (exit %d) after %s; the end of %s:\n' "$i" "$n" "$name" "$status" \
      "$(clock $((SECONDS - step_started)))" "$log" >&2
    tail -n 30 "$log" >&2 || true
    exit "$status"
  fi
  printf 'setup [%d/%d] %s: done in %s\n' "$i" "$n" "$name" "$(clock $((SECONDS - step_started)))" >&2
}

lists=(base netns slurm kubernetes)
[[ $mode == tests ]] && lists=(.ci/packages/*.txt) && lists=("${lists[@]##*/}") && lists=("${lists[@]%.txt}")

install_packages() {
  local pkg status
  local -a packages missing=()
  mapfile -t packages < <(for l in "${lists[@]}"; do sed -e 's/#.*//' -e 's/[[:space:]]//g' ".ci/packages/$l.txt"; done |
    sort -u)
  for pkg in "${packages[@]}"; do
    [[ -n $pkg ]] || continue
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ $status == *"install ok installed"* ]] || missing+=("$pkg")
  done
  ((${#missing[@]} > 0)) || { echo "every package is installed"; return 0; }
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}

install_npm() {
  if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "node_modules matches package-lock.json"
    return 0
  fi
  npm ci --no-audit --no-fund
}

# The Pulumi engine from Go modules (cli/engine/build.sh, docs/engine.md), unless a `pulumi` is on PATH; cached
# by input hash. Without it `npm run up|preview|destroy` uses the local runner.
build_engine() {
  if command -v pulumi >/dev/null; then
    echo "pulumi on PATH: $(command -v pulumi)"
    return 0
  fi
  SCHEDBENCH_ENGINE_KUBERNETES=${SCHEDBENCH_ENGINE_KUBERNETES:-0} cli/engine/build.sh
}

# MLflow (PyPI) for the tracking tests and actionlint (Go module proxy) for the workflow check.
tracking_tools() {
  .github/tools/mlflow.sh
  .github/tools/actionlint.sh
}

# Kubernetes from Go modules and its images from Debian packages (components/kubernetes/build), cached by the hash
# of every input in /var/cache/schedbench/k8s; the mirror is the host's apt sources (or SCHEDBENCH_K8S_MIRROR).
build_kubernetes() { node bin/schedbench.js k8s build; }
# KWOK's controller (emulated Kubernetes nodes, docs/scale.md), from Go modules, cached by its inputs' hash.
build_kwok() { components/kubernetes/build/kwok.sh >/dev/null; }

have_go() { command -v go >/dev/null; }
# Cold figures measured on a fresh 2-core VM (docs/development.md): the main job's packages 18 s, npm 34 s.
packages_cold="1 min"
[[ $mode == tests ]] && packages_cold="3 min"
steps=("packages|Debian packages (${lists[*]})|$packages_cold|install_packages" "npm|npm ci|1 min|install_npm")
if [[ $mode == tests ]]; then
  [[ ${SCHEDBENCH_ENGINE:-1} == 1 ]] && have_go && steps+=("engine|Pulumi engine from Go modules|7 min|build_engine")
  have_go && steps+=("tracking|MLflow and actionlint|3 min|tracking_tools")
  [[ ${SCHEDBENCH_K8S:-1} == 1 ]] && have_go && steps+=("kubernetes|Kubernetes from Go modules|15 min|build_kubernetes")
  [[ ${SCHEDBENCH_K8S:-1} == 1 ]] && have_go && steps+=("kwok|KWOK (emulated Kubernetes nodes) from Go modules|2 min|build_kwok")
fi
for i in "${!steps[@]}"; do
  IFS='|' read -r id name cold fn <<<"${steps[$i]}"
  run_step $((i + 1)) "${#steps[@]}" "$name" "$cold" "$logs/$id.log" "$fn"
done
echo "setup.sh: ready ($mode) in $(clock $((SECONDS - started)))" >&2
