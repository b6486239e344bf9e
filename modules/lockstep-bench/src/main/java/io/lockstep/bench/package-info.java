/**
 * Benchmarks of Lockstep on one machine, run by {@code modules/lockstep-bench/run.sh}.
 *
 * <p>{@link io.lockstep.bench.StepTimeBenchmark} measures, in one JVM and one run, the per-step time of DL4J's own
 * single-JVM {@code fit()} and of Lockstep's {@link io.lockstep.spark.train.SparkTrainer} with W workers in Spark
 * local mode on the same network and global batch, the coordinator's round trips, and, on request or when
 * Lockstep misses its target, where a Lockstep step spends its time ({@link io.lockstep.bench.ProfiledRun}: the
 * worker and driver loops re-assembled from the same core classes, with a clock between every phase).
 *
 * <p>{@link io.lockstep.bench.PeerBenchmark} ({@code run.sh peers}) trains the same LeNet-5-BN on Fashion-MNIST with
 * DL4J's {@code fit()}, Lockstep with W = 1 and 2, DL4J's ParameterAveragingTrainingMaster and PyTorch on the CPU (a
 * Python script), one after the other under one {@link io.lockstep.bench.PeerProtocol}, and reports each one's
 * training images/s and time to a test accuracy.
 *
 * <p>{@link io.lockstep.bench.ScalingPoints} ({@code run.sh scaling}) fits the constants of the per-step time model
 * {@link io.lockstep.bench.ScalingModel} ({@code docs/scaling.md}) from measurements of its parts, checks the model
 * against Lockstep's measured step at W = 1..4 in Spark local mode, and projects it to W = 256 workers and 100M
 * parameters.
 *
 * <p>A benchmark is not a unit test: nothing here asserts a time. The tests are of the statistics, the bookkeeping of
 * the protocol, the fits, the scaling model's formulas (against hand-worked figures) and the argument parsing.
 */
package io.lockstep.bench;
