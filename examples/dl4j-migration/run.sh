#!/usr/bin/env bash
# Trains LeNet-5-BN on Fashion-MNIST through DL4J's Spark API, with DL4J's ParameterAveragingTrainingMaster or with
# LockstepTrainingMaster (the one line that differs), and prints the test accuracy after every epoch.
#   examples/dl4j-migration/run.sh --master lockstep|paramavg [--epochs N] [--workers W] [--batch-per-worker b]
#                                  [--data DIR] [--seed S]
# Installs Lockstep (lockstep-core, lockstep-spark, lockstep-dl4j-spark) into the local Maven repository and builds
# the example when a source is newer than the last build. Fetches Fashion-MNIST into data/fashion-mnist when missing.
set -euo pipefail

example="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$example/../.." && pwd)"
state="$example/target/run"
classpath_file="$state/classpath"
mvn_flags=(-B -q -Dstyle.color=never --no-transfer-progress)

# Spark 3.5 on Java 17 needs the opens of conf/jvm-opens.
mapfile -t java_opts < <(grep -v '^#' "$root/conf/jvm-opens")
java_opts+=(
  -Xmx${EXAMPLE_HEAP:-6g}
)

mkdir -p "$state"
if [ ! -f "$classpath_file" ] || [ -n "$(find "$root/pom.xml" "$root/modules/lockstep-core" "$root/modules/lockstep-spark" \
     "$root/modules/lockstep-dl4j-spark" "$example/pom.xml" "$example/src" -newer "$classpath_file" \
     \( -name pom.xml -o -name '*.java' \) -print -quit)" ]; then
  echo "run.sh: installing Lockstep and building the example ..." >&2
  (cd "$root" && mvn "${mvn_flags[@]}" -pl modules/lockstep-dl4j-spark -am -DskipTests install >"$state/build.log" 2>&1) \
    || { echo "run.sh: build failed, see $state/build.log" >&2; exit 1; }
  (cd "$example" && mvn "${mvn_flags[@]}" compile dependency:build-classpath -Dmdep.outputFile="$state/deps" \
       >>"$state/build.log" 2>&1) \
    || { echo "run.sh: could not build the example, see $state/build.log" >&2; exit 1; }
  echo "$example/target/classes:$(cat "$state/deps")" >"$classpath_file"
fi

cd "$root"
exec java "${java_opts[@]}" -cp "$(cat "$classpath_file")" example.FashionMnistMigration "$@"
