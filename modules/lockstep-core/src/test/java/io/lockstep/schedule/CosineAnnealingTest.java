package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.assertRate;
import static io.lockstep.schedule.ScheduleAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Loshchilov &amp; Hutter 2017: lr(t) = min + 0.5 * (base - min) * (1 + cos(pi * t / T)). */
class CosineAnnealingTest {
    private static final double BASE = 0.4;
    private static final double MIN = 0.004;
    private static final long T = 1000;
    private static final CosineAnnealing SCHEDULE = CosineAnnealing.of(BASE, MIN, T);

    private static double closedForm(long t) {
        return MIN + 0.5 * (BASE - MIN) * (1 + Math.cos(Math.PI * t / T));
    }

    @Test
    void startsAtTheBaseRate() {
        assertEquals(BASE, SCHEDULE.learningRate(0));
    }

    @Test
    void isHalfwayAtHalfTime() {
        assertRate((BASE + MIN) / 2, SCHEDULE, T / 2);
    }

    @Test
    void followsTheCosineInBetween() {
        for (long t : new long[] {1, 137, 250, 750, 999}) {
            assertRate(closedForm(t), SCHEDULE, t);
        }
    }

    @Test
    void staysAtTheFloorFromStepTOn() {
        assertEquals(MIN, SCHEDULE.learningRate(T));
        assertEquals(MIN, SCHEDULE.learningRate(10 * T));
    }

    @Test
    void annealsToZeroByDefault() {
        assertEquals(CosineAnnealing.DEFAULT_MIN_RATE, CosineAnnealing.of(BASE, T).minRate());
        assertRate(0.5 * BASE * (1 + Math.cos(Math.PI * 0.3)), CosineAnnealing.of(BASE, T), 300);
    }

    @Test
    void rejectsFloorAboveBase() {
        assertRejects("minRate", () -> CosineAnnealing.of(0.1, 0.2, T));
    }

    @Test
    void rejectsNegativeFloor() {
        assertRejects("minRate", () -> CosineAnnealing.of(0.1, -0.01, T));
    }

    @Test
    void rejectsStepsBelowOne() {
        assertRejects("steps", () -> CosineAnnealing.of(0.1, 0));
    }

    @Test
    void rejectsNonFiniteBaseRate() {
        assertRejects("baseRate", () -> CosineAnnealing.of(Double.POSITIVE_INFINITY, T));
    }
}
