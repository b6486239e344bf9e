/** Distributed evaluation: confusion matrices computed on the executors and summed on the driver. */
package io.lockstep.spark.eval;
