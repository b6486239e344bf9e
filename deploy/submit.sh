#!/usr/bin/env bash
# Submits the application jar through Spark's own SparkSubmit (client deploy mode: the driver runs here), with the
# project's Spark settings (deploy/conf/spark-defaults.conf).
#   deploy/submit.sh [--dir DIR] [--jar JAR] [SPARK-SUBMIT OPTION]... train CONFIG [--set key=value]...
# Without --master it submits to the local standalone cluster of deploy/standalone.sh (its run folder: --dir, default
# run/standalone), adding that cluster's secret and its loopback addresses. With --master (spark://..., yarn,
# k8s://..., local[N]) it submits there; a standalone cluster with authentication then needs its
# spark.authenticate.secret in a --properties-file of yours (merged after the project's settings).
# Any other spark-submit option passes through (--conf k=v, --driver-memory, --total-executor-cores, ...); `--`
# ends them (for another --class whose arguments start with a dash).
# --jar      the application jar (default modules/lockstep-dist/target/lockstep-VERSION.jar)
# The Spark home is modules/lockstep-dist/target/spark-home (LOCKSTEP_SPARK_HOME for another Spark 3.5 home).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  # The comment block at the top of this file.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

cluster_dir="$cluster_dir_default"
app_jar=""
master=""
user_properties=""
spark_args=()
# spark-submit's options that take a value (SparkSubmitOptionParser); the first other word starts the application's.
takes_value() {
  case "$1" in
    --class|--conf|-c|--deploy-mode|--driver-class-path|--driver-cores|--driver-java-options|--driver-library-path|\
    --driver-memory|--executor-memory|--files|--jars|--keytab|--kill|--name|--packages|--exclude-packages|\
    --principal|--proxy-user|--py-files|--queue|--repositories|--status|--total-executor-cores|--executor-cores|\
    --num-executors|--archives) return 0 ;;
    *) return 1 ;;
  esac
}
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) cluster_dir="${2:?--dir needs a directory}"; shift 2 ;;
    --jar) app_jar="${2:?--jar needs a file}"; shift 2 ;;
    --master) master="${2:?--master needs a URL}"; shift 2 ;;
    --master=*) master="${1#--master=}"; shift ;;
    --properties-file) user_properties="${2:?--properties-file needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*)
      if takes_value "$1"; then
        [ $# -ge 2 ] || die "$1 needs a value"
        spark_args+=("$1" "$2"); shift 2
      else
        spark_args+=("$1"); shift
      fi
      ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || die "no lockstep command given (e.g. train CONFIG); see --help"

ensure_built
export_spark_env
[ -n "$app_jar" ] || app_jar="$(default_app_jar)"
[ -f "$app_jar" ] || die "application jar not found: $app_jar"

# The properties: the project's settings, then the user's file, then (local cluster) its address and secret.
local_cluster=0
if [ -z "$master" ]; then
  [ -d "$cluster_dir" ] || die "no local cluster at $cluster_dir: start one (deploy/standalone.sh start) or give --master"
  cluster_dir="$(cd "$cluster_dir" && pwd)"
  [ -f "$cluster_dir/master.url" ] && [ -f "$cluster_dir/daemons.conf" ] \
    || die "no local cluster running at $cluster_dir: start one (deploy/standalone.sh start) or give --master"
  master="$(cat "$cluster_dir/master.url")"
  local_cluster=1
fi
properties_dir="$cluster_dir"
[ "$local_cluster" = 1 ] || properties_dir="${TMPDIR:-/tmp}"
properties="$(umask 077 && mktemp "$properties_dir/submit-XXXXXX.conf")"
trap 'rm -f "$properties"' EXIT
{
  cat "$spark_conf_dir/spark-defaults.conf"
  if [ -n "$user_properties" ]; then
    echo
    echo "# from $user_properties"
    cat "$user_properties"
  fi
  if [ "$local_cluster" = 1 ]; then
    echo
    echo "# the local standalone cluster of $cluster_dir"
    grep '^spark\.authenticate\.secret ' "$cluster_dir/daemons.conf"
    echo "spark.driver.host 127.0.0.1"
    echo "spark.driver.bindAddress 127.0.0.1"
  fi
} >"$properties"
if [ "$local_cluster" = 1 ] || [[ "$master" == local* ]]; then
  export SPARK_LOCAL_IP=127.0.0.1
fi
if [ "$local_cluster" = 1 ]; then
  export SPARK_LOCAL_DIRS="$cluster_dir/local"  # the driver's scratch space, like the executors'
fi

# As Spark's bin/spark-class does: Spark's launcher builds the driver's command (driver memory and Java options from
# the properties) and prints its messages line by line, then a NUL and a newline, then the command NUL-separated,
# and we add its exit code.
launcher=("$(java_bin)" -Xmx128m -cp "$spark_home/jars/*" org.apache.spark.launcher.Main
  org.apache.spark.deploy.SparkSubmit --master "$master" --properties-file "$properties"
  --class io.lockstep.cli.Main "${spark_args[@]}" "$app_jar" "$@")
command=()
delimiter=$'\n'
while IFS= read -d "$delimiter" -r word; do
  if [ -z "$delimiter" ]; then
    command+=("$word")
  elif [ -z "$word" ]; then
    delimiter=""  # the NUL and newline (bash's read drops the NUL): the command follows
  else
    echo "$word" >&2
  fi
done < <("${launcher[@]}"; printf '%d\0' $?)
[ "${#command[@]}" -gt 1 ] || die "Spark's launcher printed no command"
launcher_status="${command[${#command[@]}-1]}"
[ "$launcher_status" = 0 ] || die "Spark's launcher failed (exit code $launcher_status)"
unset 'command[${#command[@]}-1]'

# Not exec: the properties file (it may hold the cluster's secret) is removed when the driver ends.
status=0
"${command[@]}" || status=$?
exit "$status"
