package io.lockstep.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A ratio of two contenders' figures, possibly only bounded: when one side never reached the target accuracy, its
 * time to the target is more than its whole training time, and the ratio is bounded by that.
 */
record Ratio(double value, Bound bound) {

    enum Bound {
        EXACT, AT_MOST, AT_LEAST, NONE
    }

    static final Ratio NONE = new Ratio(Double.NaN, Bound.NONE);

    static Ratio of(double numerator, double denominator) {
        return Double.isFinite(numerator) && Double.isFinite(denominator) && denominator > 0
                ? new Ratio(numerator / denominator, Bound.EXACT) : NONE;
    }

    /** Time to {@code target} of {@code a} over that of {@code b}. */
    static Ratio timeToTarget(PeerResult a, PeerResult b, double target) {
        if (!a.ok() || !b.ok()) {
            return NONE;
        }
        OptionalDouble ta = a.secondsToTarget(target);
        OptionalDouble tb = b.secondsToTarget(target);
        if (ta.isPresent() && tb.isPresent()) {
            return of(ta.getAsDouble(), tb.getAsDouble());
        }
        if (ta.isPresent()) {
            // b would have needed more than all its training time
            return new Ratio(ta.getAsDouble() / b.trainSeconds(), Bound.AT_MOST);
        }
        if (tb.isPresent()) {
            return new Ratio(a.trainSeconds() / tb.getAsDouble(), Bound.AT_LEAST);
        }
        return NONE;
    }

    /** Whether a target of a ratio is met, missed, or cannot be told from a bound. */
    enum Verdict {
        MET, MISSED, UNKNOWN
    }

    /** Against a target "at most {@code limit}". */
    Verdict atMost(double limit) {
        return switch (bound) {
            case EXACT -> value <= limit ? Verdict.MET : Verdict.MISSED;
            case AT_MOST -> value <= limit ? Verdict.MET : Verdict.UNKNOWN;
            case AT_LEAST -> value >= limit ? Verdict.MISSED : Verdict.UNKNOWN;
            case NONE -> Verdict.UNKNOWN;
        };
    }

    /** Against a target "at least {@code limit}". */
    Verdict atLeast(double limit) {
        return switch (bound) {
            case EXACT -> value >= limit ? Verdict.MET : Verdict.MISSED;
            case AT_LEAST -> value >= limit ? Verdict.MET : Verdict.UNKNOWN;
            case AT_MOST -> value <= limit ? Verdict.MISSED : Verdict.UNKNOWN;
            case NONE -> Verdict.UNKNOWN;
        };
    }

    @Override
    public String toString() {
        return switch (bound) {
            case EXACT -> String.format(Locale.ROOT, "%.3f", value);
            case AT_MOST -> String.format(Locale.ROOT, "< %.3f", value);
            case AT_LEAST -> String.format(Locale.ROOT, "> %.3f", value);
            case NONE -> "n/a";
        };
    }
}
