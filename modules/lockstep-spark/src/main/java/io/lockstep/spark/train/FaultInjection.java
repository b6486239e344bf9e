package io.lockstep.spark.train;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A deliberate task failure, for testing that training survives it: with the system property
 * {@code lockstep.chaos.fail-at-step=S} (and optionally {@code lockstep.chaos.fail-rank=R}, default 0), the
 * worker of rank R fails when it reaches step S, once per JVM. Off unless the property is set.
 */
final class FaultInjection {
    static final String STEP_PROPERTY = "lockstep.chaos.fail-at-step";
    static final String RANK_PROPERTY = "lockstep.chaos.fail-rank";
    private static final AtomicBoolean FIRED = new AtomicBoolean();

    private FaultInjection() {
    }

    static void maybeFail(int rank, long step) {
        String failAt = System.getProperty(STEP_PROPERTY);
        if (failAt == null || Long.parseLong(failAt) != step || Integer.getInteger(RANK_PROPERTY, 0) != rank) {
            return;
        }
        if (FIRED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure of rank " + rank + " at step " + step
                    + " (" + STEP_PROPERTY + ")");
        }
    }

    /** Whether the injection has not fired yet (tests). */
    static boolean armed() {
        return !FIRED.get();
    }

    /** Arms the injection again (tests). */
    static void rearm() {
        FIRED.set(false);
    }
}
