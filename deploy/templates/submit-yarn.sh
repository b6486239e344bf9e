#!/usr/bin/env bash
# TEMPLATE (copy and edit; not tested here): Lockstep on YARN, client deploy mode (the driver, and the run directory it
# writes, stay on this machine; checkpoints and data on HDFS).
#   SPARK_HOME=/opt/spark HADOOP_CONF_DIR=/etc/hadoop/conf deploy/templates/submit-yarn.sh CONFIG [--set key=value]...
# Needs: a Spark 3.5.x (Scala 2.12) distribution with YARN support in SPARK_HOME; the cluster's configuration in
# HADOOP_CONF_DIR; the dataset on HDFS (lockstep.data.dir = hdfs://...). YARN makes the authentication secret.
set -euo pipefail
deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution with YARN support}"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the YARN cluster configuration}"
jar="${JAR:-$(ls "$deploy"/../modules/lockstep-dist/target/lockstep-[0-9]*.jar | head -n 1)}"
config="${1:?usage: submit-yarn.sh CONFIG [--set key=value]...}"
shift

# W workers of C cores: W executors of C cores, one Lockstep worker (barrier task) each.
workers=4
cores=4
# --jars ships the jar to every container's directory before the executor starts, so that the executors can have
# it on their own class path (deploy/README.md); the container's directory is the executor's working directory.
"$SPARK_HOME/bin/spark-submit" \
  --master yarn --deploy-mode client \
  --properties-file "$deploy/conf/spark-defaults.conf" \
  --num-executors "$workers" \
  --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$cores" \
  --executor-memory 4g --conf spark.executor.memoryOverhead=3g \
  --class io.lockstep.cli.Main "$jar" \
  train "$config" --set lockstep.workers="$workers" \
  --set lockstep.checkpoint.dir="hdfs:///user/$USER/lockstep/checkpoints" "$@"
