package io.lockstep.schedule;

import io.lockstep.step.LearningRateSchedule;

/**
 * The same learning rate at every step: {@code lr(t) = rate}.
 *
 * @param rate the learning rate, positive and finite
 */
public record Constant(double rate) implements LearningRateSchedule {

    public Constant {
        Require.positiveRate("rate", rate);
    }

    public static Constant of(double rate) {
        return new Constant(rate);
    }

    @Override
    public double learningRate(long step) {
        Require.step(step);
        return rate;
    }
}
