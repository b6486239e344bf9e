#!/usr/bin/env bash
# TEMPLATE (copy and edit): Lockstep on a Spark standalone cluster of your own, client deploy mode (the driver, and the
# run directory it writes, stay on this machine).
#   SPARK_HOME=/opt/spark MASTER=spark://master:7077 SECRET_FILE=~/.spark-secret.conf \
#     deploy/templates/submit-standalone.sh CONFIG [--set key=value]...
# Needs: a Spark 3.5.x (Scala 2.12) distribution in SPARK_HOME; the cluster's daemons running with
# spark.authenticate=true and a shared spark.authenticate.secret, which SECRET_FILE (a properties file readable by you
# only) holds as `spark.authenticate.secret ...`; the application jar at the same path on every worker machine (see
# deploy/README.md, "The application's classes on the executors' class path"), given as JAR.
set -euo pipefail
deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution}"
: "${MASTER:?set MASTER to the cluster, e.g. spark://master:7077}"
: "${SECRET_FILE:?set SECRET_FILE to a properties file holding spark.authenticate.secret}"
jar="${JAR:-/opt/lockstep/lockstep.jar}"
config="${1:?usage: submit-standalone.sh CONFIG [--set key=value]...}"
shift

# W workers of C cores: W executors of C cores, one Lockstep worker (barrier task) each.
workers=4
cores=4
properties="$(mktemp)"
trap 'rm -f "$properties"' EXIT
chmod 600 "$properties"
cat "$deploy/conf/spark-defaults.conf" "$SECRET_FILE" >"$properties"

"$SPARK_HOME/bin/spark-submit" \
  --master "$MASTER" --deploy-mode client \
  --properties-file "$properties" \
  --total-executor-cores $((workers * cores)) \
  --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$cores" \
  --executor-memory 4g \
  --class io.lockstep.cli.Main "$jar" \
  train "$config" --set lockstep.workers="$workers" "$@"
