/**
 * Benchmarks of Lockstep on one machine, run by {@code modules/lockstep-bench/run.sh}.
 *
 * <p>{@link io.lockstep.bench.StepTimeBenchmark} measures, in one JVM and one run, the per-step time of DL4J's own
 * single-JVM {@code fit()} and of Lockstep's {@link io.lockstep.spark.train.SparkTrainer} with W workers in Spark
 * local mode on the same network and global batch, the coordinator's round trips, and, on request or when
 * Lockstep misses its target, where a Lockstep step spends its time ({@link io.lockstep.bench.ProfiledRun}: the
 * worker and driver loops re-assembled from the same core classes, with a clock between every phase).
 *
 * <p>A benchmark is not a unit test: nothing here asserts a time. The only tests are of the statistics and the
 * argument parsing.
 */
package io.lockstep.bench;
