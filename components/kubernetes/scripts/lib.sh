# shellcheck shell=bash
# Kubernetes helpers, prepended after components/prelude.sh to every Kubernetes script
# (components/kubernetes/script.ts). Not run on its own.

# start_daemon PIDFILE COMM LOG CMD... : start CMD detached (own session, no descriptor of ours) unless PIDFILE
# names a live COMM; the pid file is ours (not every daemon writes one).
start_daemon() {
  local pidfile="$1" comm="$2" logfile="$3"
  shift 3
  pid_alive "$pidfile" "$comm" && return 0
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo "$!" >"$pidfile"
}

# v1_hierarchies : the mount points of the mounted cgroup v1 hierarchies, and the cgroup2 tree a hybrid host
# mounts beside them (/sys/fs/cgroup/unified; runc makes pods' cgroups there too). None on a pure v2 host.
v1_hierarchies() {
  [[ -f /sys/fs/cgroup/cgroup.controllers ]] && return 0
  awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u
}

# remove_cgroup_tree RELATIVE : remove the cgroup RELATIVE (below the cgroup roots) and everything in it, deepest
# first, in every hierarchy; a cgroup that still has processes stays and is reported.
remove_cgroup_tree() {
  local rel="$1" root dir status=0
  local -a roots
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then roots=(/sys/fs/cgroup); else mapfile -t roots < <(v1_hierarchies); fi
  for root in "${roots[@]}"; do
    [[ -d "$root$rel" ]] || continue
    while read -r dir; do
      rmdir "$dir" 2>/dev/null || { log "cgroup $dir still in use: $(head -n 5 "$dir/cgroup.procs" 2>/dev/null | tr '\n' ' ')"; status=1; }
    done < <(find "$root$rel" -depth -type d)
  done
  return "$status"
}

# unmount_under DIR : unmount every mount point at or below DIR in this mount namespace, deepest first.
unmount_under() {
  local dir="$1" target
  while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || log "could not unmount $target"
  done < <(findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1 || $0 == d' | sort -r)
}

# kill_matching PATTERN : SIGKILL every process whose command line contains PATTERN (a path of this cluster).
kill_matching() {
  local pattern="$1" f pid
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    if tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- "$pattern"; then
      log "killing leftover process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# kube_env : what the run stages need to reach the cluster as its admin: `kubectl` on PATH (the cluster's own
# build) and KUBECONFIG (the admin kubeconfig on the first node), exported for the samplers' background loops.
kube_env() {
  : "${ROOT:?cluster state directory}"
  : "${BIN_DIR:?directory with the binaries}"
  export KUBECONFIG="$ROOT/etc/admin.conf" PATH="$BIN_DIR/bin:$PATH"
}

# unfinished_jobs : the names of this run's Jobs (RUN_LABEL, in NAMESPACE) that are neither Complete nor Failed,
# one per line. Fails, kubectl's error on stderr, when the apiserver does not answer: an unanswered question is
# not an empty queue.
unfinished_jobs() {
  local listing name conditions
  listing="$(kubectl get jobs -n "$NAMESPACE" -l "schedbench.io/run=$RUN_LABEL" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{range .status.conditions[?(@.status=="True")]}{.type}{","}{end}{"\n"}{end}')" ||
    return 1
  while read -r name conditions; do
    [[ -z "$name" || "$conditions" == *Complete,* || "$conditions" == *Failed,* ]] || printf '%s\n' "$name"
  done <<<"$listing"
}

# metrics_snapshot : the kube-scheduler's queue, attempt and latency families (SCHEDULER_METRICS_URL) and the
# apiserver's request latency sums and counts summed by verb (hundreds of series otherwise), as Prometheus text,
# in one JSON document {"scheduler":…,"apiserver":…}; what does not answer is empty.
metrics_snapshot() {
  local scheduler apiserver
  scheduler="$(curl -sk --max-time 5 "$SCHEDULER_METRICS_URL" 2>/dev/null | grep -E \
    '^scheduler_(schedule_attempts_total|pending_pods|scheduling_attempt_duration_seconds|pod_scheduling_sli_duration_seconds)' || true)"
  apiserver="$(kubectl get --raw /metrics 2>/dev/null | awk '
    /^apiserver_request_duration_seconds_(sum|count)\{/ {
      name = $1; sub(/\{.*/, "", name)
      verb = ""; if (match($1, /verb="[A-Z]+"/)) verb = substr($1, RSTART, RLENGTH)
      total[name "{" verb "}"] += $2
    }
    END { for (k in total) printf "%s %.9f\n", k, total[k] }' | sort || true)"
  jq -cn --arg s "$scheduler" --arg a "$apiserver" '{scheduler: $s, apiserver: $a}'
}
