#!/usr/bin/env bash
# A local Spark standalone cluster from the Spark jars that Maven resolves (no Spark download): one Master and N
# Workers, each a separate JVM on 127.0.0.1, with Spark's RPC authentication on.
#   deploy/standalone.sh start [--workers N] [--cores C] [--memory M] [--dir DIR]
#   deploy/standalone.sh stop [--dir DIR]
#   deploy/standalone.sh status [--dir DIR]
# --workers  Workers to start (default 2); each runs one executor JVM per application
# --cores    cores each Worker offers (default 1: one Lockstep worker task per executor JVM)
# --memory   memory each Worker offers to executors (default 3g)
# --dir      the run folder (default run/standalone, or LOCKSTEP_CLUSTER_DIR): *.pid, *.log, the ports the OS chose
#            (master.url, master-ui.url, worker-N.address), the Workers' work directories (executor logs), the
#            cluster's secret (daemons.conf, this user only). `stop` stops only the processes of that folder's pid
#            files, each with the executors it launched.
# Then: deploy/submit.sh train CONFIG submits to it. The Spark home (modules/lockstep-dist/target/spark-home) and
# the application jar are built on first use; LOCKSTEP_SPARK_HOME points to another Spark 3.5 home.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  # The comment block at the top of this file.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

command_name="${1:-}"
[ $# -gt 0 ] && shift
workers=2
cores=1
memory=3g
cluster_dir="$cluster_dir_default"
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="${2:?--workers needs a number}"; shift 2 ;;
    --cores) cores="${2:?--cores needs a number}"; shift 2 ;;
    --memory) memory="${2:?--memory needs a size such as 3g}"; shift 2 ;;
    --dir) cluster_dir="${2:?--dir needs a directory}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "--workers must be a positive number, got '$workers'"
[[ "$cores" =~ ^[1-9][0-9]*$ ]] || die "--cores must be a positive number, got '$cores'"
[[ "$memory" =~ ^[1-9][0-9]*[mMgG]$ ]] || die "--memory must be a size such as 512m or 3g, got '$memory'"
mkdir -p "$cluster_dir"
cluster_dir="$(cd "$cluster_dir" && pwd)"
# Every daemon carries this marker on its command line: `stop` checks it before it signals a pid from a file, so a
# recycled pid of some other process is never touched.
marker="-Dlockstep.cluster=$cluster_dir"

# True when the pid is alive and is one of this run folder's daemons.
ours() {
  local pid="$1"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$marker"
}

pid_of() {
  [ -f "$1" ] && cat "$1" || true
}

# Waits until the log has a line matching the pattern (prints its first match), or the process dies, or time is up.
wait_for_log() {
  local log="$1" pattern="$2" pid="$3" seconds="$4" waited=0 line
  while [ "$waited" -lt $((seconds * 10)) ]; do
    line="$(grep -m1 -oE -- "$pattern" "$log" 2>/dev/null || true)"
    if [ -n "$line" ]; then
      echo "$line"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
  return 1
}

# Starts one daemon in its own session (its pid is its process group: `stop` signals the group, which holds the
# executors a Worker launched) and records its pid.
start_daemon() {
  local name="$1" class="$2"
  shift 2
  setsid "$(java_bin)" -Xmx512m "${java_opens[@]}" "$marker" \
    -Dlog4j2.configurationFile="$spark_conf_dir/log4j2-daemons.properties" \
    -cp "$spark_conf_dir:$spark_home/jars/*" "$class" "$@" \
    >"$cluster_dir/$name.log" 2>&1 </dev/null &
  echo $! >"$cluster_dir/$name.pid"
}

# Ends a failed start: the log that tells why, then the EXIT trap stops what was started.
abort_start() {
  echo "standalone: $1; the end of $2:" >&2
  tail -n 30 "$2" >&2 || true
  exit 1
}

stop_cluster() {
  local pidfile pid pids=() waited
  for pidfile in "$cluster_dir"/worker-*.pid "$cluster_dir"/master.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(pid_of "$pidfile")"
    if ours "$pid"; then
      pids+=("$pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for waited in $(seq 1 150); do
    local alive=0
    for pid in "${pids[@]}"; do
      kill -0 -- "-$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -f "$cluster_dir"/worker-*.pid "$cluster_dir"/master.pid "$cluster_dir/master.url" "$cluster_dir/master-ui.url" \
    "$cluster_dir"/worker-*.address
  echo "standalone: stopped ${#pids[@]} daemon(s) of $cluster_dir"
}

start_cluster() {
  if ours "$(pid_of "$cluster_dir/master.pid")"; then
    die "a cluster of $cluster_dir is running ($(cat "$cluster_dir/master.url" 2>/dev/null)); stop it first"
  fi
  command -v setsid >/dev/null || die "setsid (util-linux) is not on PATH"
  ensure_built
  export_spark_env
  # Executors' scratch space and the Workers' directories stay inside the run folder.
  export SPARK_LOCAL_IP=127.0.0.1
  export SPARK_LOCAL_DIRS="$cluster_dir/local"
  mkdir -p "$SPARK_LOCAL_DIRS"
  rm -f "$cluster_dir"/*.log "$cluster_dir"/*.pid

  # One secret for the Master, the Workers, the executors and the applications (Spark standalone has one per
  # cluster); the Workers hand it to their executors in the environment. Readable by this user only.
  (umask 077
   secret="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
   printf '%s\n' \
     "# Written by deploy/standalone.sh start: the settings of this cluster's daemons." \
     "spark.authenticate true" \
     "spark.authenticate.secret $secret" \
     "spark.worker.cleanup.enabled false" >"$cluster_dir/daemons.conf")

  # Whatever goes wrong from here on, nothing of this start stays behind.
  start_complete=0
  trap 'if [ "$start_complete" != 1 ]; then echo "standalone: start failed; stopping what it started" >&2; stop_cluster >&2; fi' EXIT
  start_daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0 \
    --properties-file "$cluster_dir/daemons.conf"
  local master_pid master_url ui_url
  master_pid="$(pid_of "$cluster_dir/master.pid")"
  master_url="$(wait_for_log "$cluster_dir/master.log" 'spark://127\.0\.0\.1:[0-9]+' "$master_pid" 60)" \
    || abort_start "the master did not start" "$cluster_dir/master.log"
  ui_url="$(wait_for_log "$cluster_dir/master.log" 'started at http://[A-Za-z0-9.-]+:[0-9]+' "$master_pid" 10 || true)"
  ui_url="${ui_url#started at }"
  echo "$master_url" >"$cluster_dir/master.url"
  [ -n "$ui_url" ] && echo "$ui_url" >"$cluster_dir/master-ui.url"

  local i
  for i in $(seq 1 "$workers"); do
    mkdir -p "$cluster_dir/worker-$i"
    start_daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores "$cores" --memory "$memory" --work-dir "$cluster_dir/worker-$i" \
      --properties-file "$cluster_dir/daemons.conf" "$master_url"
  done
  local address
  for i in $(seq 1 "$workers"); do
    wait_for_log "$cluster_dir/worker-$i.log" 'Successfully registered with master' \
      "$(pid_of "$cluster_dir/worker-$i.pid")" 60 >/dev/null \
      || abort_start "worker $i did not register with the master" "$cluster_dir/worker-$i.log"
    address="$(grep -m1 -oE 'Starting Spark worker 127\.0\.0\.1:[0-9]+' "$cluster_dir/worker-$i.log" || true)"
    echo "${address#Starting Spark worker }" >"$cluster_dir/worker-$i.address"
  done
  start_complete=1
  echo "standalone: master $master_url (web UI ${ui_url:-off}), $workers worker(s) x $cores core(s), $memory each"
  echo "standalone: run folder $cluster_dir; submit with deploy/submit.sh train CONFIG; stop with deploy/standalone.sh stop"
}

status_cluster() {
  local pidfile pid state running=0
  for pidfile in "$cluster_dir"/master.pid "$cluster_dir"/worker-*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(pid_of "$pidfile")"
    if ours "$pid"; then state=running; running=$((running + 1)); else state=gone; fi
    echo "$(basename "$pidfile" .pid) pid $pid $state"
  done
  [ -f "$cluster_dir/master.url" ] && echo "master $(cat "$cluster_dir/master.url")"
  [ "$running" -gt 0 ]
}

case "$command_name" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  status) status_cluster ;;
  ""|-h|--help|help) usage ;;
  *) die "unknown command '$command_name' (start, stop, status)" ;;
esac
