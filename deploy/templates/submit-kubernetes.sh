#!/usr/bin/env bash
# TEMPLATE (copy and edit; not tested here): Lockstep on Kubernetes, cluster deploy mode (the driver runs in a pod).
#   SPARK_HOME=/opt/spark K8S=k8s://https://api.example:6443 IMAGE=registry.example/lockstep:0.1.0 \
#     deploy/templates/submit-kubernetes.sh CONFIG_NAME [--set key=value]...
# Needs: a Spark 3.5.x (Scala 2.12) distribution in SPARK_HOME (for its spark-submit); an image built from
# templates/kubernetes/Dockerfile (the application jar in the image, at /opt/spark/jars/lockstep.jar);
# a namespace and a service account allowed to create pods; the CONFIG file inside the image or shipped with --files
# (then name it by its file name); the dataset and the checkpoints on a shared file system (s3a:// or hdfs://).
# The run directory (metrics.jsonl, summary.json, model.zip) is written in the driver pod: mount a volume there
# (spark.kubernetes.driver.volumes.*) or it goes with the pod.
set -euo pipefail
deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution}"
: "${K8S:?set K8S to the API server, e.g. k8s://https://api.example:6443}"
: "${IMAGE:?set IMAGE to an image built from deploy/templates/kubernetes/Dockerfile}"
namespace="${NAMESPACE:-lockstep}"
config="${1:?usage: submit-kubernetes.sh CONFIG [--set key=value]...}"
shift

# W workers of C cores: W executor pods of C cores, one Lockstep worker (barrier task) each.
workers=4
cores=4
"$SPARK_HOME/bin/spark-submit" \
  --master "$K8S" --deploy-mode cluster \
  --properties-file "$deploy/conf/spark-defaults.conf" \
  --conf spark.kubernetes.namespace="$namespace" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=lockstep \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.executor.instances="$workers" \
  --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --conf spark.kubernetes.executor.request.cores="$cores" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$cores" \
  --executor-memory 4g --conf spark.executor.memoryOverhead=3g \
  --class io.lockstep.cli.Main local:///opt/spark/jars/lockstep.jar \
  train "$config" --set lockstep.workers="$workers" \
  --set lockstep.checkpoint.dir="s3a://my-bucket/lockstep/checkpoints" "$@"
