# shellcheck shell=bash
# Kubernetes helpers, prepended to every Kubernetes script after components/prelude.sh and the stage library
# (components/stages.sh; components/kubernetes/script.ts). Not run on its own.

# start_daemon PIDFILE COMM LOG CMD... : start CMD detached (own session, no descriptor of ours) unless PIDFILE
# names a live COMM; the pid file is ours (not every daemon writes one).
start_daemon() {
  local pidfile="$1" comm="$2" logfile="$3"
  shift 3
  pid_alive "$pidfile" "$comm" && return 0
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo "$!" >"$pidfile"
}

# daemons_gone DIR NAME… : the daemons among NAMEs whose pid file in DIR (start_daemon's DIR/NAME.pid) names no live
# process of that name, one per line.
daemons_gone() {
  local dir="$1" name
  shift
  for name; do pid_alive "$dir/$name.pid" "${name:0:15}" || printf '%s\n' "$name"; done
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

# kill_containers SOCKET : SIGKILL and delete every container task of the containerd listening on SOCKET (in its
# k8s.io namespace), when it runs (its pid file is NODE_DIR/containerd.pid) and answers.
kill_containers() {
  local -a ctr=("$BIN_DIR/bin/ctr" --address "$1" --namespace k8s.io)
  local id
  pid_alive "$NODE_DIR/containerd.pid" containerd && "${ctr[@]}" version >/dev/null 2>&1 || return 0
  while read -r id; do
    [[ -n "$id" ]] || continue
    "${ctr[@]}" tasks kill --signal SIGKILL "$id" >/dev/null 2>&1 || true
    "${ctr[@]}" tasks delete --force "$id" >/dev/null 2>&1 || true
  done < <("${ctr[@]}" tasks ls -q 2>/dev/null || true)
}

# kill_matching PATTERN : SIGKILL every process whose command line contains PATTERN (a path of this cluster).
kill_matching() {
  local pattern="$1" f pid
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    if grep -qF -- "$pattern" <<<"$(tr '\0' ' ' 2>/dev/null <"$f")"; then
      log "killing leftover process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# kube_env : what the run stages need to reach the cluster: `kubectl` on PATH (the cluster's own build) and
# KUBECONFIG, exported for the samplers' background loops. The stages act as the ServiceAccount RUNNER_ACCOUNT of
# NAMESPACE, whose RBAC is the least they use (components/kubernetes/objects.ts), not as the admin: the admin
# kubeconfig only mints the account's token (a TokenRequest for 2 × RUNNER_TOKEN_SECONDS), again when less than
# RUNNER_TOKEN_SECONDS of it remain, into a 0600 kubeconfig beside the admin's (the stage library's write_file).
kube_env() {
  : "${ROOT:?cluster state directory}"
  : "${BIN_DIR:?directory with the binaries}"
  : "${NAMESPACE:?namespace of the benchmark Jobs}"
  : "${RUNNER_ACCOUNT:?ServiceAccount the stages act as}"
  : "${RUNNER_TOKEN_SECONDS:?seconds a stage may need the token for}"
  export PATH="$BIN_DIR/bin:$PATH"
  local admin="$ROOT/etc/admin.conf" conf="$ROOT/etc/runner.conf" expires=0 token runner
  [[ -s "$conf" && -s "$conf.expires" ]] && expires="$(<"$conf.expires")"
  if ((expires - EPOCHSECONDS < RUNNER_TOKEN_SECONDS)); then
    if ! token="$(kubectl --kubeconfig "$admin" --request-timeout=10s create token "$RUNNER_ACCOUNT" -n "$NAMESPACE" \
      --duration "$((2 * RUNNER_TOKEN_SECONDS))s")"; then
      # An apiserver that does not answer mints nothing: a token still valid does for what this stage can still do
      # (collect what there is, delete what it can), and the stage says what it lost.
      ((expires > EPOCHSECONDS)) ||
        die "kubernetes: no token for the ServiceAccount $NAMESPACE/$RUNNER_ACCOUNT (are the cluster's objects applied? does the apiserver answer?)"
      log "kubernetes: no new token for $NAMESPACE/$RUNNER_ACCOUNT; the one held lasts $((expires - EPOCHSECONDS)) s more"
      export KUBECONFIG="$conf"
      return 0
    fi
    # When it expires, from the token itself (the apiserver may grant less than asked).
    expires="$(jq -rR 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | @base64d | fromjson | .exp' <<<"$token")"
    # The token reaches jq on stdin (printf is a builtin), never in an argv: /proc/<pid>/cmdline is world-readable.
    runner="$({
      printf '%s' "$token" | jq -Rs .
      kubectl --kubeconfig "$admin" config view --raw --minify -o json
    } | jq -n --arg ns "$NAMESPACE" 'input as $token | input |
        .users = [{name: "runner", user: {token: $token}}] | .contexts |= map(.context.user = "runner" | .context.namespace = $ns)')"
    write_file "$conf" 0600 <<<"$runner"
    printf '%s\n' "$expires" >"$conf.expires"
  fi
  export KUBECONFIG="$conf"
}

# unready_nodes : the nodes whose Ready condition is not True (a kubelet that stopped reporting), one per line.
unready_nodes() {
  kubectl get nodes --request-timeout=10s -o jsonpath='{range .items[*]}{.metadata.name}{" "}{range .status.conditions[?(@.type=="Ready")]}{.status}{end}{"\n"}{end}' |
    awk 'NF > 0 && $2 != "True" { print $1 }'
}

# stranded_pods NODE... : this run's pods not finished on one of NODEs (not Ready: they can never finish there),
# as "pod job node" lines.
stranded_pods() {
  kubectl get pods --request-timeout=10s -n "$NAMESPACE" -l "schedbench.io/run=$RUN_LABEL" \
    -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.labels.batch\.kubernetes\.io/job-name}{" "}{.spec.nodeName}{" "}{.status.phase}{"\n"}{end}' |
    awk -v nodes="$*" 'BEGIN { n = split(nodes, list, " "); for (i = 1; i <= n; i++) lost[list[i]] = 1 }
      ($3 in lost) && $4 != "Succeeded" && $4 != "Failed" { print $1, $2, $3 }'
}

# all_stranded JOB... : whether every one of these unfinished Jobs has its pod on a node that is not Ready, where
# it can never finish. Sets the array `lost` to the nodes that are not Ready (empty when all are).
all_stranded() {
  local stranded
  lost=()
  mapfile -t lost < <(unready_nodes 2>/dev/null)
  ((${#lost[@]} > 0)) || return 1
  stranded="$(stranded_pods "${lost[@]}" 2>/dev/null | awk '{ print $2 }' | sort -u)" || return 1
  [[ -z "$(comm -23 <(printf '%s\n' "$@" | sort -u) <(printf '%s\n' "$stranded"))" ]]
}

# unfinished_jobs : the names of this run's Jobs (RUN_LABEL, in NAMESPACE) that are neither Complete nor Failed,
# one per line. Fails, kubectl's error on stderr, when the apiserver does not answer: an unanswered question is
# not an empty queue.
unfinished_jobs() {
  local listing name conditions
  # Bounded: an apiserver whose etcd is gone holds a request until its own timeout (60 s).
  listing="$(kubectl get jobs --request-timeout=10s -n "$NAMESPACE" -l "schedbench.io/run=$RUN_LABEL" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{range .status.conditions[?(@.status=="True")]}{.type}{","}{end}{"\n"}{end}')" ||
    return 1
  while read -r name conditions; do
    [[ -z "$name" || "$conditions" == *Complete,* || "$conditions" == *Failed,* ]] || printf '%s\n' "$name"
  done <<<"$listing"
}

# watch_pods : the run's pods (RUN_LABEL, in NAMESPACE) as the apiserver changes them, one `name|phase|node|cpu`
# line per change, on stdout: one watch, not a kubectl per interval (≈ 0.1 s of CPU each). When the apiserver ends
# the watch, it lists and watches again a second later; SIGTERM ends it and its kubectl. The kubeconfig is on the
# command line so that the cluster's teardown finds it by its path should it outlive the sampler.
watch_pods() {
  local child=''
  trap '[[ -z "$child" ]] || kill "$child" 2>/dev/null; exit 0' TERM
  while true; do
    kubectl --kubeconfig "$KUBECONFIG" get pods -n "$NAMESPACE" -l "schedbench.io/run=$RUN_LABEL" --watch \
      -o jsonpath='{.metadata.name}{"|"}{.status.phase}{"|"}{.spec.nodeName}{"|"}{.spec.containers[0].resources.requests.cpu}{"\n"}' &
    child=$!
    wait "$child" || true
    sleep 1
  done
}

# metrics_snapshot [PHASE] : the scheduler sampler's snapshot (the --snapshot of the stage library's sampler_start
# and sampler_stop, which record the phase): the kube-scheduler's queue, attempt and latency families and its
# process's CPU time and resident memory (SCHEDULER_METRICS_URL), the apiserver's request latency sums and counts summed by verb (hundreds of series
# otherwise), and every kubelet's pod start-up histograms (its /metrics), as Prometheus text, in one JSON document
# {"scheduler":…,"apiserver":…,"kubelets":…}; what does not answer is empty. The apiserver and the kubelets are
# asked with curl as the stages' ServiceAccount (its token from KUBECONFIG, on no command line; `/metrics` and the
# webhook-authorised `nodes/metrics`): a kubectl costs ~0.1 s of CPU, and the sampler takes a snapshot every
# STATS_INTERVAL_SECONDS.
metrics_snapshot() {
  local scheduler apiserver='' kubelets='' token='' server='' endpoint
  scheduler="$(curl -sk --max-time 5 "$SCHEDULER_METRICS_URL" 2>/dev/null | grep -E \
    '^(scheduler_(schedule_attempts_total|pending_pods|scheduling_attempt_duration_seconds|pod_scheduling_sli_duration_seconds)|process_cpu_seconds_total|process_resident_memory_bytes)' || true)"
  { read -r token && read -r server; } < <(jq -r '.users[0].user.token // "", .clusters[0].cluster.server // ""' \
    "$KUBECONFIG" 2>/dev/null) || true
  # as_runner CURL_ARGS... : curl with the ServiceAccount's bearer token, given in a config on a pipe.
  as_runner() { curl -s --max-time 5 -K <(printf 'header = "Authorization: Bearer %s"\n' "$token") "$@" 2>/dev/null; }
  if [[ -n "$token" && -n "$server" ]]; then
    # Thousands of series: grep keeps the few the awk sums.
    apiserver="$(as_runner --cacert "$ROOT/pki/ca.crt" "$server/metrics" |
      grep -E '^apiserver_request_duration_seconds_(sum|count)\{' | awk '
      /^apiserver_request_duration_seconds_(sum|count)\{/ {
        name = $1; sub(/\{.*/, "", name)
        verb = ""; if (match($1, /verb="[A-Z]+"/)) verb = substr($1, RSTART, RLENGTH)
        total[name "{" verb "}"] += $2
      }
      END { for (k in total) printf "%s %.9f\n", k, total[k] }' | sort || true)"
    # Kubelets serve certificates the cluster CA signed for their address (pki.sh): the token goes only to a kubelet
    # that proves it is the node the apiserver names.
    while read -r endpoint; do
      [[ "$endpoint" == *:* && "$endpoint" != :* ]] || continue
      kubelets+="$(as_runner --cacert "$ROOT/pki/ca.crt" "https://$endpoint/metrics" |
        grep -E '^kubelet_pod_start_(sli_)?duration_seconds_(bucket|sum|count)' || true)"$'\n'
    # Real nodes only: an emulated one (schedbench.io/emulated) has no kubelet.
    done < <(as_runner --cacert "$ROOT/pki/ca.crt" "$server/api/v1/nodes?labelSelector=%21schedbench.io%2Femulated" | jq -r '.items[] |
      "\([.status.addresses[]? | select(.type == "InternalIP") | .address][0] // ""):\(.status.daemonEndpoints.kubeletEndpoint.Port // "")"' \
      2>/dev/null || true)
  fi
  jq -cn --arg s "$scheduler" --arg a "$apiserver" --arg k "$kubelets" '{scheduler: $s, apiserver: $a, kubelets: $k}'
}

# The kernel settings a kubelet sets when it starts (vm.overcommit_memory=1, kernel.panic=10, …). They are not per
# network namespace: on netns nodes they are the host's. The first kubelet to start on a host where none runs saves
# their values (save_host_sysctls, in root's lock directory: gone at reboot, as the changes are); the last to stop
# restores them and removes the file (restore_host_sysctls). A kubelet schedbench did not start, running before,
# means nothing of ours to restore. SYSCTL_ROOT (/proc/sys) is for tests.
KUBELET_SYSCTLS=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys
  kernel/keys/root_maxbytes)

save_host_sysctls() { with_lock kubelet-sysctls _save_host_sysctls; }
_save_host_sysctls() {
  local file name value
  file="$(lock_dir)/kubelet-sysctls.saved"
  [[ ! -e "$file" ]] || return 0
  ! pgrep -x kubelet >/dev/null || return 0
  for name in "${KUBELET_SYSCTLS[@]}"; do
    [[ -r "${SYSCTL_ROOT:-/proc/sys}/$name" ]] || continue
    value="$(<"${SYSCTL_ROOT:-/proc/sys}/$name")"
    printf '%s %s\n' "$name" "$value"
  done | write_file "$file" 0600
}

restore_host_sysctls() { with_lock kubelet-sysctls _restore_host_sysctls; }
_restore_host_sysctls() {
  local file name value known k
  file="$(lock_dir)/kubelet-sysctls.saved"
  [[ -f "$file" && ! -L "$file" ]] || return 0
  ! pgrep -x kubelet >/dev/null || return 0
  while read -r name value; do
    known=0
    for k in "${KUBELET_SYSCTLS[@]}"; do [[ "$k" != "$name" ]] || known=1; done
    if ((known == 0)) || [[ ! "$value" =~ ^-?[0-9]+$ ]]; then
      log "restore_host_sysctls: ignoring '$name $value' in $file"
      continue
    fi
    printf '%s\n' "$value" >"${SYSCTL_ROOT:-/proc/sys}/$name" || log "could not restore $name to $value"
  done <"$file"
  rm -f -- "$file"
}

# The node's side of the pod network, which on the hosts backend is the host's own network namespace (on netns
# nodes and VMs, the node's): packet forwarding on (its value before saved in NODE_DIR, given back by
# pod_network_down), a route to every other node's pod CIDR (ROUTES: `<cidr> <via>` lines) added — never one
# replaced: a route to that CIDR another tool made refuses the start, naming it — and, down, the cluster's own
# bridge (POD_BRIDGE, named after the cluster, never another tool's `cni0`) and those routes removed.
pod_network_up() {
  local forward="${SYSCTL_ROOT:-/proc/sys}/net/ipv4/ip_forward" saved="$NODE_DIR/ip_forward.saved" cidr via found
  [[ -e "$saved" ]] || printf '%s\n' "$(<"$forward")" | write_file "$saved" 0600
  printf '1\n' >"$forward"
  while read -r cidr via; do
    [[ -n "$cidr" ]] || continue
    found="$(ip route show exact "$cidr")"
    if [[ -z "$found" ]]; then
      ip route add "$cidr" via "$via"
    elif [[ " $found " != *" via $via "* ]]; then
      die "kubernetes: node $NODE already has a route to $cidr ($found) that is not this cluster's: another network uses the pod CIDR (choose schedbench:kubernetes.podCidr)"
    fi
  done <<<"${ROUTES:-}"
}

pod_network_down() {
  local forward="${SYSCTL_ROOT:-/proc/sys}/net/ipv4/ip_forward" saved="$NODE_DIR/ip_forward.saved" cidr via value
  if ip link show "${POD_BRIDGE:?pod bridge of the cluster}" >/dev/null 2>&1; then ip link del "$POD_BRIDGE"; fi
  while read -r cidr via; do
    [[ -n "$cidr" ]] || continue
    ip route del "$cidr" via "$via" 2>/dev/null || true
  done <<<"${ROUTES:-}"
  if [[ -f "$saved" ]]; then
    value="$(<"$saved")"
    if [[ "$value" =~ ^[01]$ ]]; then printf '%s\n' "$value" >"$forward"; else log "ignoring ip_forward.saved: '$value'"; fi
    rm -f -- "$saved"
  fi
}
