# Shared by deploy/standalone.sh and deploy/submit.sh (sourced, not run).
# Paths, the Spark home assembled by modules/lockstep-dist, the JVM flags of bin/lockstep.

deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$deploy_dir/.." && pwd)"
dist_target="$root/modules/lockstep-dist/target"

# The Spark home: LOCKSTEP_SPARK_HOME, else the one the build assembles from Maven Central (jars/ only).
spark_home="${LOCKSTEP_SPARK_HOME:-$dist_target/spark-home}"
# Spark's configuration directory for every JVM started here: log4j2 settings (on every class path) and the
# project's spark-defaults.conf.
spark_conf_dir="${LOCKSTEP_SPARK_CONF_DIR:-$deploy_dir/conf}"
# The local standalone cluster's run folder: pid files, logs, ports, the shared secret.
cluster_dir_default="${LOCKSTEP_CLUSTER_DIR:-$root/run/standalone}"

# Spark 3.5 on Java 17 (StorageUtils needs sun.nio.ch): the launcher's (bin/lockstep) list.
mapfile -t java_opens < <(grep -v '^#' "$root/conf/jvm-opens")

die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java >/dev/null || die "java (17) is not on PATH"
    command -v java
  fi
}

# What every Spark JVM started from here needs in its environment. SPARK_SCALA_VERSION: Spark's launcher and
# the Worker's executor command builder look for a build directory to guess it and fail without one (a Spark
# distribution's bin/load-spark-env.sh sets it). The Worker passes this environment on to its executors.
export_spark_env() {
  local java
  java="$(java_bin)"
  export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$java")")")}"
  export SPARK_HOME="$spark_home"
  export SPARK_CONF_DIR="$spark_conf_dir"
  export SPARK_SCALA_VERSION=2.12
}

# Builds the application jar and the Spark home when either is missing (first use after a clone).
ensure_built() {
  if [ -n "${LOCKSTEP_SPARK_HOME:-}" ]; then
    [ -d "$spark_home/jars" ] || die "LOCKSTEP_SPARK_HOME=$spark_home has no jars/ directory"
    return
  fi
  if [ -d "$spark_home/jars" ] && compgen -G "$dist_target/lockstep-[0-9]*.jar" >/dev/null; then
    return
  fi
  command -v mvn >/dev/null || die "mvn (Maven) is not on PATH; it builds the application jar and the Spark home"
  echo "$(basename "$0"): building the application jar and the Spark home (first use) ..." >&2
  mkdir -p "$dist_target"
  (cd "$root" && mvn -B -q -Dstyle.color=never --no-transfer-progress -pl modules/lockstep-dist -am \
      -DskipTests package >"$dist_target/deploy-build.log" 2>&1) \
    || die "build failed, see $dist_target/deploy-build.log"
}

# The application jar: target/lockstep-VERSION.jar of modules/lockstep-dist.
default_app_jar() {
  local jar
  for jar in "$dist_target"/lockstep-[0-9]*.jar; do
    [ -f "$jar" ] && { echo "$jar"; return; }
  done
  die "no application jar in $dist_target (build it: mvn -pl modules/lockstep-dist -am package -DskipTests)"
}
