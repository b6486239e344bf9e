package io.lockstep.step;

import java.io.Serializable;

/** The learning rate for each optimizer step, counted from 0; the driver sets it before every update. */
@FunctionalInterface
public interface LearningRateSchedule extends Serializable {
    double learningRate(long step);
}
