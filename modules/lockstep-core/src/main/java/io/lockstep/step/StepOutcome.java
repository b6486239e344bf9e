package io.lockstep.step;

import java.io.Serializable;

/**
 * What one driver step did: the numbers that go into metrics.jsonl.
 *
 * @param gradNorm        global L2 norm of the averaged trainable gradient before clipping
 * @param clipCoefficient the global-norm clip factor applied (1 when not clipped)
 * @param learningRate    the learning rate set for this step (NaN when the DL4J configuration's own rates apply)
 * @param intervention    what the guard did; anything but {@link Intervention#NONE} left the update unapplied
 * @param diagnostics     per-layer gradient norms, update ratios and batch-norm statistics
 */
public record StepOutcome(long step, long examples, double loss, double gradNorm, double clipCoefficient,
                          double learningRate, Intervention intervention, StepDiagnostics diagnostics)
        implements Serializable {

    /** The guard's action on a step. */
    public enum Intervention {
        NONE,
        /** The loss or gradient norm was NaN or infinite: the step was skipped. */
        SKIPPED_NON_FINITE,
        /** The loss spiked: the model went back to the last good state and the learning rate was scaled down. */
        ROLLED_BACK_SPIKE
    }

    /** The update of this step did not reach the parameters. */
    public boolean skipped() {
        return intervention != Intervention.NONE;
    }

    public boolean clipped() {
        return clipCoefficient < 1.0;
    }
}
