package io.lockstep.schedule;

import io.lockstep.step.LearningRateSchedule;

/**
 * Linear warmup in front of another schedule (Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in
 * 1 Hour", 2017, section 2.2, gradual warmup): over the first {@code steps} steps the inner schedule's rate is
 * scaled by a factor that rises linearly from {@code startFactor} to 1,
 * <pre>
 *   lr(t) = inner(t) * (startFactor + (1 - startFactor) * t / steps)   for t &lt; steps
 *   lr(t) = inner(t)                                                  for t &gt;= steps
 * </pre>
 * PyTorch's {@code LinearLR(start_factor, end_factor = 1, total_iters = steps)} chained with the inner scheduler.
 * The inner schedule sees the absolute step, so its milestones or annealing length count from the start of
 * training; the factor reaches 1 exactly at {@code t = steps}, so the rate is continuous there. Goyal et al. start
 * from the single-worker rate, {@code startFactor = 256 / globalBatch} with {@link LinearScaling}.
 *
 * @param steps       length of the warmup; 0 means no warmup (the inner schedule unchanged)
 * @param startFactor the factor at step 0, in [0, 1]
 * @param inner       the schedule being warmed up
 */
public record Warmup(long steps, double startFactor, LearningRateSchedule inner) implements LearningRateSchedule {

    /** The factor at step 0 unless given: PyTorch's {@code LinearLR} default, 1/3. */
    public static final double DEFAULT_START_FACTOR = 1.0 / 3;

    public Warmup {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (!(startFactor >= 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("startFactor must be in [0, 1], got " + startFactor);
        }
        if (inner == null) {
            throw new IllegalArgumentException("inner must be a schedule, got null");
        }
    }

    /** Warms up from {@link #DEFAULT_START_FACTOR} times the inner rate. */
    public static Warmup of(long steps, LearningRateSchedule inner) {
        return new Warmup(steps, DEFAULT_START_FACTOR, inner);
    }

    public static Warmup of(long steps, double startFactor, LearningRateSchedule inner) {
        return new Warmup(steps, startFactor, inner);
    }

    @Override
    public double learningRate(long step) {
        double rate = inner.learningRate(Require.step(step));
        if (step >= steps) {
            return rate;
        }
        return rate * (startFactor + (1 - startFactor) * step / steps);
    }
}
