package io.lockstep.step;

import java.io.Serializable;

/**
 * How the driver clips the averaged gradient before the optimizer sees it. Each clip is off when its threshold
 * is 0. Order: adaptive (AGC) per unit, then by value, then by global norm.
 *
 * @param globalNorm     max L2 norm of all trainable gradients as one vector (torch.nn.utils.clip_grad_norm_)
 * @param value          max absolute value of each gradient element (torch.nn.utils.clip_grad_value_)
 * @param agc            AGC clipping factor lambda (Brock et al. 2021): max ||g_unit|| / max(||w_unit||, 1e-3)
 * @param nonFinite      what a step whose loss or gradient norm is NaN or infinite does
 */
public record ClippingConfig(double globalNorm, double value, double agc, NonFinitePolicy nonFinite)
        implements Serializable {

    /** What to do with a step whose gradient or loss is not finite; it never reaches the parameters. */
    public enum NonFinitePolicy {
        /** Leave parameters and optimizer state as they are, count the step as skipped, go on. */
        SKIP,
        /** Stop training with an error. */
        FAIL
    }

    public static final ClippingConfig NONE = new ClippingConfig(0, 0, 0, NonFinitePolicy.SKIP);

    public ClippingConfig {
        requireNonNegative("global-norm", globalNorm);
        requireNonNegative("value", value);
        requireNonNegative("agc", agc);
        if (nonFinite == null) {
            throw new IllegalArgumentException("non-finite policy must be set");
        }
    }

    public static ClippingConfig globalNorm(double maxNorm) {
        return new ClippingConfig(maxNorm, 0, 0, NonFinitePolicy.SKIP);
    }

    public ClippingConfig withNonFinite(NonFinitePolicy policy) {
        return new ClippingConfig(globalNorm, value, agc, policy);
    }

    private static void requireNonNegative(String name, double threshold) {
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("clip." + name + " must be a finite number >= 0 (0 = off), got " + threshold);
        }
    }
}
