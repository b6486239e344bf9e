package io.lockstep.schedule;

/** Argument checks shared by the schedules; every message names the parameter and the rejected value. */
final class Require {
    private Require() {
    }

    static double positiveRate(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
        }
        return value;
    }

    static long atLeastOne(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }

    /** A multiplicative decay factor, in (0, 1]. */
    static double decayFactor(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + value);
        }
        return value;
    }

    /** The step a schedule is asked about: steps are counted from 0. */
    static long step(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0 (steps are counted from 0), got " + step);
        }
        return step;
    }
}
