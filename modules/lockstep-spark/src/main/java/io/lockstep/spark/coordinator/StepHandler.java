package io.lockstep.spark.coordinator;

import java.io.Serializable;
import java.util.List;

/**
 * What the driver does with one training step once every rank has contributed: typically reduce the
 * gradients, clip, update the parameters, and return the new parameters for every rank.
 */
@FunctionalInterface
public interface StepHandler {

    /**
     * Called once per step, on the coordinator's thread, with the contributions in rank order. Its result
     * goes to every rank; if it throws, every rank of the round gets the error.
     */
    Serializable onStep(long step, List<Serializable> contributionsByRank);

    /**
     * What a worker joining a stage attempt needs to start from (the driver's current step and parameters), so
     * that a re-run stage resumes where the driver stands. Called on the coordinator's thread, never during
     * {@link #onStep}. None by default.
     */
    default Serializable joinState() {
        return null;
    }
}
