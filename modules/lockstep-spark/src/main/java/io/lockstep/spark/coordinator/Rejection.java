package io.lockstep.spark.coordinator;

/** Why the coordinator turned a message (or a whole round) away; each is counted. */
public enum Rejection {
    /** The message belongs to a stage attempt other than the current one (or none has begun). */
    STALE_ATTEMPT,
    /** The rank is outside 0..W-1. */
    RANK_OUT_OF_RANGE,
    /** A step round for a step other than the one the driver expects. */
    UNEXPECTED_STEP,
    /** A vector whose length (or reduction) differs from the other ranks' in its round; the round failed. */
    DISAGREEING_CONTRIBUTION,
    /** A second contribution of one rank to one round; the round failed. */
    DUPLICATE_RANK,
    /** A message the coordinator does not know. */
    UNKNOWN_MESSAGE,
    /** A message after {@link Coordinator#abort}, until the next attempt begins. */
    ABORTED,
    /** A round whose missing ranks did not arrive in time (counted once per round). */
    ROUND_TIMED_OUT,
    /** A round whose result could not be computed: the step handler or the reduction threw (once per round). */
    ROUND_FAILED
}
