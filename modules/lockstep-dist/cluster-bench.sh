#!/usr/bin/env bash
# Benchmarks across JVMs on a local standalone cluster of 2 workers (1 core, one executor JVM each):
#   1. the coordinator's round trips between executor JVMs and the driver: the SyncBN all-reduce (C = 120) and the
#      gradient step round at 0.43M and 4M float parameters (io.lockstep.dist.bench.ClusterRoundTrips);
#   2. Lockstep's step time: `lockstep train` of LeNet-5-BN, W = 2, float, global batch 128, on Fashion-MNIST
#      (the median step_ms of metrics.jsonl after the warm-up);
#   3. DL4J's own fit() of the same network and batch on one JVM with every core (Dl4jFitTiming);
# and the ratio of 2 over 1.
#   modules/lockstep-dist/cluster-bench.sh [--data DIR] [--steps N] [--warmup N] [--rounds N] [--batch B]
# --data: Fashion-MNIST's IDX files (default data/fashion-mnist; `bin/lockstep data fetch fashion-mnist`).
# Needs the built module (mvn -pl modules/lockstep-dist -am package -DskipTests). Writes target/cluster-bench/,
# prints JSON lines. The figures are only as quiet as the machine: the script prints its load before and after.
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$module/../.." && pwd)"
data="$root/data/fashion-mnist"
steps=150
warmup=20
rounds=300
batch=128
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$(cd "$2" && pwd)"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    *) echo "cluster-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
jar="$(ls "$module"/target/lockstep-[0-9]*.jar 2>/dev/null | head -n 1)"
[ -n "$jar" ] && [ -d "$module/target/spark-home/jars" ] \
  || { echo "cluster-bench: build first: mvn -pl modules/lockstep-dist -am package -DskipTests" >&2; exit 2; }
[ -e "$data/train-images-idx3-ubyte.gz" ] || [ -e "$data/train-images-idx3-ubyte" ] \
  || { echo "cluster-bench: no Fashion-MNIST in $data (bin/lockstep data fetch fashion-mnist)" >&2; exit 2; }

out="$module/target/cluster-bench"
rm -rf "$out"
mkdir -p "$out"
cluster="$out/cluster"
export LOCKSTEP_SPARK_HOME="$module/target/spark-home"
trap '"$root/deploy/standalone.sh" stop --dir "$cluster" >/dev/null 2>&1 || true' EXIT

echo "{\"kind\":\"machine\",\"cores\":$(nproc),\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
"$root/deploy/standalone.sh" start --workers 2 --cores 1 --memory 3g --dir "$cluster" >"$out/cluster-start.log"

# 1. Round trips, in barrier tasks on the two executors.
"$root/deploy/submit.sh" --dir "$cluster" --jar "$jar" --class io.lockstep.dist.bench.ClusterRoundTrips -- \
  --workers 2 --channels 120 --rounds "$rounds" --lengths 431080,4000000 2>"$out/roundtrips.log" | grep '^{'

# 2. Lockstep's step time on the cluster.
cat >"$out/lenet5-bn-w2-float.conf" <<EOF
lockstep {
  workers = 2
  dtype = float
  seed = 42
  train { batch-size = $batch, epochs = 1, max-steps = $((warmup + steps)) }
  batch-norm.sync = exact
  data { name = fashion-mnist, dir = "$data", fetch = false }
  model = lenet5-bn
}
EOF
"$root/deploy/submit.sh" --dir "$cluster" --jar "$jar" train "$out/lenet5-bn-w2-float.conf" \
  --set lockstep.run-dir="$out/run" >"$out/train.log" 2>&1
lockstep_json="$(java -cp "$jar" io.lockstep.dist.bench.StepTimes "$out/run/metrics.jsonl" --warmup "$warmup")"
echo "$lockstep_json"
"$root/deploy/standalone.sh" stop --dir "$cluster" >/dev/null

# 3. DL4J fit() on one JVM, every core (ND4J 1.0.0-M2 would start 4 OpenMP threads on 2 cores without this).
dl4j_json="$(OMP_NUM_THREADS="$(nproc)" java -Xmx4g -cp "$jar:$module/target/spark-home/jars/*" io.lockstep.dist.bench.Dl4jFitTiming "$data" \
  --batch "$batch" --warmup "$warmup" --steps "$steps" 2>"$out/dl4j.log" | grep '^{')"
echo "$dl4j_json"

# The ratio of the medians, and of the 10th percentiles (the steps least disturbed by whatever else the machine runs).
field() { sed -E "s/.*\"$1\":([0-9.]+).*/\\1/" <<<"$2"; }
ratio() { awk -v a="$(field "$1" "$lockstep_json")" -v b="$(field "$1" "$dl4j_json")" 'BEGIN { printf "%.3f", a / b }'; }
echo "{\"kind\":\"ratio\",\"lockstep_cluster_over_dl4j_fit\":$(ratio median_ms),\"p10_ratio\":$(ratio p10_ms),\"target\":1.15,\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
