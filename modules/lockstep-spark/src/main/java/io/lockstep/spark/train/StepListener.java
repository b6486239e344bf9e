package io.lockstep.spark.train;

import io.lockstep.step.StepOutcome;

/** Told about every step on the driver (metrics, progress). */
@FunctionalInterface
public interface StepListener {
    /**
     * @param epoch     the epoch the step belongs to (from 0)
     * @param stepMillis wall time of the step on the driver, from the previous reply to this one
     * @param driverMillis time the driver spent in the step itself (reduce, clip, update)
     */
    void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis);

    /**
     * Asked after every {@link #onStep}: true ends training after that step, with the checkpoint and result of
     * any end (early stopping at a target, a time budget). An epoch cut short this way does not count as run.
     */
    default boolean stopRequested() {
        return false;
    }

    /** After the last step of an epoch (for example to evaluate the driver's model). */
    default void onEpochEnd(int epoch) {
    }
}
