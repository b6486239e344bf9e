#!/usr/bin/env bash
# Runs Lockstep's benchmarks:
#   modules/lockstep-bench/run.sh [--steps N] [--warmup N] [--rounds N] [--profile auto|always|never] [--help]
#     the step-time benchmark (issue 3): DL4J fit() vs Lockstep W=2 in Spark local mode, coordinator round trips, and
#     the phase breakdown of a Lockstep step when it misses the 1.10 target;
#   modules/lockstep-bench/run.sh peers [--max-epochs N] [--target A] [--eval-every STEPS] [--contenders LIST] [--help]
#     the benchmark against the peers (issue 7): DL4J fit(), Lockstep W=1 and W=2, DL4J's
#     ParameterAveragingTrainingMaster and PyTorch CPU, images/s and time to a test accuracy. PyTorch comes from
#     Debian (deploy/install-bench-tools.sh installs it);
#   modules/lockstep-bench/run.sh scaling [--workers W] [--steps N] [--rounds N] [--help]
#     the scaling model (issue 7, docs/scaling.md): its constants measured, checked at W = 1..4, projected to W = 256.
# Builds the modules it needs when a pom or source is newer than the last build. Run from anywhere; paths such as
# --data are taken relative to the project root. LOCKSTEP_HEAP sets the heap (default 6g).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
module="$root/modules/lockstep-bench"
state="$module/target/bench"
classpath_file="$state/classpath"
mvn_flags=(-B -Dstyle.color=never --no-transfer-progress)

# The launcher's (bin/lockstep) JVM flags, with its reasons: Spark 3.5 on Java 17 needs the opens of
# conf/jvm-opens; no JavaCPP physical-memory check at every native allocation.
mapfile -t java_opts < <(grep -v '^#' "$root/conf/jvm-opens")
java_opts+=(
  -Xmx${LOCKSTEP_HEAP:-6g}
  -Dorg.bytedeco.javacpp.maxphysicalbytes=0
)

command -v java >/dev/null || { echo "run.sh: java (17) is not on PATH" >&2; exit 2; }
command -v mvn >/dev/null || { echo "run.sh: mvn (Maven) is not on PATH" >&2; exit 2; }

mkdir -p "$state"
if [ ! -f "$classpath_file" ] || [ -n "$(find "$root/pom.xml" "$root/modules/lockstep-core" "$root/modules/lockstep-spark" \
     "$root/modules/lockstep-dl4j-spark" "$module" -newer "$classpath_file" \( -name pom.xml -o -name '*.java' -o -path '*/src/main/resources/*' \) \
     -print -quit)" ]; then
  echo "run.sh: building lockstep-core, lockstep-spark, lockstep-dl4j-spark and lockstep-bench ..." >&2
  (cd "$root" && mvn "${mvn_flags[@]}" -q -pl modules/lockstep-bench -am -DskipTests install >"$state/build.log" 2>&1) \
    || { echo "run.sh: build failed, see $state/build.log" >&2; exit 1; }
  (cd "$root" && mvn "${mvn_flags[@]}" -q dependency:build-classpath -pl modules/lockstep-bench \
       -Dmdep.includeScope=compile -Dmdep.outputFile="$state/deps" >>"$state/build.log" 2>&1) \
    || { echo "run.sh: could not resolve the classpath, see $state/build.log" >&2; exit 1; }
  # Lockstep's own modules from this checkout's build, not from the local Maven repository (which other
  # checkouts install into as well).
  echo "$module/target/classes:$(sed -E "s#[^:]*/io/lockstep/(lockstep-[a-z0-9-]+)/[^/:]+/[^/:]+\.jar#$root/modules/\1/target/classes#g" \
    "$state/deps")" >"$classpath_file"
fi

main=io.lockstep.bench.StepTimeBenchmark
if [ "${1:-}" = peers ]; then
  main=io.lockstep.bench.PeerBenchmark
  shift
elif [ "${1:-}" = scaling ]; then
  main=io.lockstep.bench.ScalingPoints
  shift
fi
cd "$root"
exec java "${java_opts[@]}" -cp "$(cat "$classpath_file")" "$main" "$@"
