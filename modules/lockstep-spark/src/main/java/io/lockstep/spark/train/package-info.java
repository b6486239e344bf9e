/**
 * Training on Spark: {@link io.lockstep.spark.train.SparkTrainer} (the driver loop), the barrier worker that runs
 * a segment of steps, and how data is sharded and ordered.
 */
package io.lockstep.spark.train;
