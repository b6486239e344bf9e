package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.assertRate;
import static io.lockstep.schedule.ScheduleAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** lr(t) = base * gamma ^ floor(t / period). */
class StepDecayTest {

    @Test
    void keepsTheBaseRateForTheFirstPeriod() {
        StepDecay schedule = StepDecay.of(0.2, 100, 0.5);

        assertEquals(0.2, schedule.learningRate(0));
        assertEquals(0.2, schedule.learningRate(99));
    }

    @Test
    void multipliesByGammaAtEveryPeriodBoundary() {
        StepDecay schedule = StepDecay.of(0.2, 100, 0.5);

        assertRate(0.2 * 0.5, schedule, 100);
        assertRate(0.2 * 0.5, schedule, 199);
        assertRate(0.2 * 0.25, schedule, 200);
        assertRate(0.2 * Math.pow(0.5, 7), schedule, 745);
    }

    @Test
    void dividesByTenByDefault() {
        assertEquals(StepDecay.DEFAULT_GAMMA, StepDecay.of(1.0, 10).gamma());
        assertRate(0.01, StepDecay.of(1.0, 10), 25);
    }

    @Test
    void rejectsNonPositiveBaseRate() {
        assertRejects("baseRate", () -> StepDecay.of(-0.1, 10));
    }

    @Test
    void rejectsPeriodBelowOne() {
        assertRejects("period", () -> StepDecay.of(0.1, 0));
    }

    @Test
    void rejectsGammaOutsideZeroToOne() {
        assertRejects("gamma", () -> StepDecay.of(0.1, 10, 0));
        assertRejects("gamma", () -> StepDecay.of(0.1, 10, 1.5));
        assertRejects("gamma", () -> StepDecay.of(0.1, 10, Double.NaN));
    }
}
