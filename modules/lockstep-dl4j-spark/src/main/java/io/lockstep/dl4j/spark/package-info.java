/**
 * Lockstep for DL4J's Spark API (dl4j-spark3_2.12): {@link io.lockstep.dl4j.spark.LockstepTrainingMaster}, a
 * {@code TrainingMaster} that {@code SparkDl4jMultiLayer} and {@code SparkComputationGraph} train with, the
 * conversion of DL4J batch norm to synchronized batch norm and back around training, DL4J training statistics,
 * and the Kryo registrator for this combination.
 */
package io.lockstep.dl4j.spark;
