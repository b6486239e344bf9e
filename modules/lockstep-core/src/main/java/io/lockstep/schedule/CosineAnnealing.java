package io.lockstep.schedule;

import io.lockstep.step.LearningRateSchedule;

/**
 * Cosine annealing from the base rate to a floor over {@code steps} steps (Loshchilov &amp; Hutter, "SGDR:
 * Stochastic Gradient Descent with Warm Restarts", ICLR 2017, eq. 5, one run without restarts):
 * <pre>
 *   lr(t) = minRate + 0.5 * (baseRate - minRate) * (1 + cos(pi * t / steps))   for t &lt; steps
 *   lr(t) = minRate                                                            for t &gt;= steps
 * </pre>
 * It equals PyTorch's {@code CosineAnnealingLR(T_max = steps, eta_min = minRate)} for {@code t <= steps}; after
 * that PyTorch's rate climbs back along the cosine, this one stays at the floor.
 *
 * @param baseRate the rate at step 0, positive and finite
 * @param minRate  the floor, in [0, baseRate]
 * @param steps    the length of the annealing, at least 1; normally the total number of training steps
 */
public record CosineAnnealing(double baseRate, double minRate, long steps) implements LearningRateSchedule {

    /** The floor unless given: anneal to zero (PyTorch's {@code eta_min} default; Loshchilov &amp; Hutter). */
    public static final double DEFAULT_MIN_RATE = 0.0;

    public CosineAnnealing {
        Require.positiveRate("baseRate", baseRate);
        if (!(minRate >= 0 && minRate <= baseRate)) {
            throw new IllegalArgumentException("minRate must be in [0, baseRate = " + baseRate + "], got " + minRate);
        }
        Require.atLeastOne("steps", steps);
    }

    /** Anneals to {@link #DEFAULT_MIN_RATE}. */
    public static CosineAnnealing of(double baseRate, long steps) {
        return new CosineAnnealing(baseRate, DEFAULT_MIN_RATE, steps);
    }

    public static CosineAnnealing of(double baseRate, double minRate, long steps) {
        return new CosineAnnealing(baseRate, minRate, steps);
    }

    @Override
    public double learningRate(long step) {
        if (Require.step(step) >= steps) {
            return minRate;
        }
        return minRate + 0.5 * (baseRate - minRate) * (1 + Math.cos(Math.PI * step / steps));
    }
}
