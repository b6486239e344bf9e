/**
 * Collectives: ranks that reduce vectors together, keyed by step, call site and phase.
 *
 * <p>{@link io.lockstep.collective.GatherRounds} is the transport-neutral meeting point (one round per key,
 * one contribution per rank, the result computed once from the contributions in rank order);
 * {@link io.lockstep.collective.ReductionRounds} reduces vectors on it. {@link
 * io.lockstep.collective.InProcessCollectiveGroup} puts threads of one JVM on it, the Spark coordinator puts
 * barrier tasks on it through Spark's RPC.
 */
package io.lockstep.collective;
