package io.lockstep.step;

import java.io.Serializable;

/**
 * The explosion guard's settings.
 *
 * @param spikeFactor       a step whose loss exceeds this factor times the median of the recent losses is a spike:
 *                          the driver rolls back to the last good state and scales the learning rate down (0 = off)
 * @param window            how many recent good losses the median is taken over
 * @param learningRateBackoff factor applied to the step size at every rollback, in (0, 1] (see
 *                          {@link ExplosionGuard#updateScale()})
 * @param maxBadSteps       training stops after this many consecutive bad steps (non-finite or spike); 0 = never
 */
public record GuardConfig(double spikeFactor, int window, double learningRateBackoff, int maxBadSteps)
        implements Serializable {

    /** Spikes of 10x the median of the last 20 losses roll back and halve the rate; 10 bad steps in a row stop. */
    public static final GuardConfig DEFAULT = new GuardConfig(10.0, 20, 0.5, 10);
    public static final GuardConfig OFF = new GuardConfig(0, 20, 1.0, 0);

    /** Below this many recent losses, no step is judged a spike. */
    static final int MIN_HISTORY = 5;

    public GuardConfig {
        if (!(spikeFactor == 0 || spikeFactor > 1) || Double.isInfinite(spikeFactor)) {
            throw new IllegalArgumentException("guard.spike-factor must be 0 (off) or a finite number > 1, got " + spikeFactor);
        }
        if (window < MIN_HISTORY) {
            throw new IllegalArgumentException("guard.window must be >= " + MIN_HISTORY + ", got " + window);
        }
        if (!(learningRateBackoff > 0 && learningRateBackoff <= 1)) {
            throw new IllegalArgumentException("guard.lr-backoff must be in (0, 1], got " + learningRateBackoff);
        }
        if (maxBadSteps < 0) {
            throw new IllegalArgumentException("guard.max-bad-steps must be >= 0 (0 = never stop), got " + maxBadSteps);
        }
    }
}
