/**
 * The coordinator of one training run: an endpoint on the driver that the W barrier tasks meet at, over
 * Spark's RPC ({@link io.lockstep.spark.rpc}).
 *
 * <p>Two kinds of rounds, each gathering one contribution per rank
 * ({@link io.lockstep.collective.GatherRounds}):
 * <ul>
 *   <li>collective rounds ({@link io.lockstep.spark.coordinator.CollectiveCall}): the all-reduces of
 *       batch norm's per-channel vectors, reduced in rank order and returned to every rank;</li>
 *   <li>step rounds ({@link io.lockstep.spark.coordinator.StepCall}): each rank's contribution to one
 *       training step, handed in rank order to the driver's
 *       {@link io.lockstep.spark.coordinator.StepHandler} once, whose result every rank receives.</li>
 * </ul>
 * The worker side is {@link io.lockstep.spark.coordinator.SparkCollective}. The messages are small
 * immutable classes; Spark's RPC carries them by Java serialization.
 */
package io.lockstep.spark.coordinator;
