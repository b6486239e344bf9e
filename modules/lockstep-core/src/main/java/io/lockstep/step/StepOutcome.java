package io.lockstep.step;

import java.io.Serializable;

/**
 * What one driver step did: the numbers that go into metrics.jsonl.
 *
 * @param gradNorm        global L2 norm of the averaged trainable gradient before clipping
 * @param clipCoefficient the global-norm clip factor applied (1 when not clipped)
 * @param skipped         true when the loss or gradient was not finite and the step left the model untouched
 */
public record StepOutcome(long step, long examples, double loss, double gradNorm, double clipCoefficient,
                          double learningRate, boolean skipped) implements Serializable {

    public boolean clipped() {
        return clipCoefficient < 1.0;
    }
}
