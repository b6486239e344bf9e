package io.lockstep.schedule;

import io.lockstep.step.LearningRateSchedule;

/**
 * Step decay: the base rate multiplied by {@code gamma} every {@code period} steps,
 * <pre>
 *   lr(t) = baseRate * gamma ^ floor(t / period)
 * </pre>
 * PyTorch's {@code torch.optim.lr_scheduler.StepLR(step_size = period, gamma)}, stepped once per optimizer step.
 * For decays at irregular steps (He et al. 2016's 32k and 48k iterations) see {@link MultiStepDecay}.
 *
 * @param baseRate the rate of steps {@code 0 .. period - 1}, positive and finite
 * @param period   steps between two decays, at least 1
 * @param gamma    the factor applied at each decay, in (0, 1]
 */
public record StepDecay(double baseRate, long period, double gamma) implements LearningRateSchedule {

    /** The decay factor unless given: divide by 10 (PyTorch's default; He et al. 2016, Goyal et al. 2017). */
    public static final double DEFAULT_GAMMA = 0.1;

    public StepDecay {
        Require.positiveRate("baseRate", baseRate);
        Require.atLeastOne("period", period);
        Require.decayFactor("gamma", gamma);
    }

    /** Divides the rate by 10 ({@link #DEFAULT_GAMMA}) every {@code period} steps. */
    public static StepDecay of(double baseRate, long period) {
        return new StepDecay(baseRate, period, DEFAULT_GAMMA);
    }

    public static StepDecay of(double baseRate, long period, double gamma) {
        return new StepDecay(baseRate, period, gamma);
    }

    @Override
    public double learningRate(long step) {
        return baseRate * Math.pow(gamma, Require.step(step) / period);
    }
}
