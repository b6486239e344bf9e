package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConstantTest {

    @Test
    void isTheSameAtEveryStep() {
        Constant schedule = Constant.of(0.05);

        assertEquals(0.05, schedule.learningRate(0));
        assertEquals(0.05, schedule.learningRate(1_000_000_000_000L));
    }

    @Test
    void rejectsNonPositiveRate() {
        assertRejects("rate", () -> Constant.of(0));
    }

    @Test
    void rejectsNonFiniteRate() {
        assertRejects("rate", () -> Constant.of(Double.NaN));
        assertRejects("rate", () -> Constant.of(Double.POSITIVE_INFINITY));
    }

    @Test
    void rejectsNegativeStep() {
        assertRejects("step", () -> Constant.of(0.1).learningRate(-1));
    }
}
