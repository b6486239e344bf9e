package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.assertRate;
import static io.lockstep.schedule.ScheduleAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.step.LearningRateSchedule;
import org.junit.jupiter.api.Test;

/** lr(t) = inner(t) * (f + (1 - f) * t / W) for t < W, inner(t) after. */
class WarmupTest {
    private static final long W = 100;
    private static final double F = 0.1;

    @Test
    void startsAtTheStartFactorTimesTheInnerRate() {
        assertRate(F * 0.4, Warmup.of(W, F, Constant.of(0.4)), 0);
    }

    @Test
    void risesLinearlyOverTheWarmup() {
        Warmup schedule = Warmup.of(W, F, Constant.of(0.4));

        assertRate(0.4 * (F + (1 - F) * 25 / W), schedule, 25);
        assertRate(0.4 * (F + (1 - F) * 0.5), schedule, W / 2);
        assertRate(0.4 * (F + (1 - F) * 99 / W), schedule, 99);
    }

    @Test
    void scalesTheInnerScheduleAtTheSameAbsoluteStep() {
        CosineAnnealing inner = CosineAnnealing.of(0.4, 1000);
        Warmup schedule = Warmup.of(W, F, inner);

        assertRate(inner.learningRate(40) * (F + (1 - F) * 40 / W), schedule, 40);
        assertEquals(inner.learningRate(500), schedule.learningRate(500));
    }

    @Test
    void handsOverToTheInnerScheduleContinuously() {
        CosineAnnealing inner = CosineAnnealing.of(0.4, 1000);
        Warmup schedule = Warmup.of(W, F, inner);

        assertEquals(inner.learningRate(W), schedule.learningRate(W));
        // the last warmup step is one ramp increment, (1 - f) / W, below the inner rate
        double lastGap = inner.learningRate(W - 1) - schedule.learningRate(W - 1);
        assertEquals(inner.learningRate(W - 1) * (1 - F) / W, lastGap, 1e-15);
    }

    @Test
    void neverDecreasesDuringWarmupOfAConstant() {
        Warmup schedule = Warmup.of(W, 0.0, Constant.of(0.4));
        for (long t = 1; t <= W; t++) {
            assertTrue(schedule.learningRate(t) > schedule.learningRate(t - 1), "step " + t);
        }
    }

    @Test
    void keepsMilestonesAbsolute() {
        LearningRateSchedule schedule = Warmup.of(W, MultiStepDecay.of(0.1, new long[] {300}));

        assertRate(0.1, schedule, 299);
        assertRate(0.01, schedule, 300);
    }

    @Test
    void startsFromOneThirdByDefault() {
        Warmup schedule = Warmup.of(W, Constant.of(0.3));

        assertEquals(Warmup.DEFAULT_START_FACTOR, schedule.startFactor());
        assertRate(0.3 / 3, schedule, 0);
    }

    @Test
    void zeroStepsIsNoWarmup() {
        CosineAnnealing inner = CosineAnnealing.of(0.4, 1000);

        assertEquals(inner.learningRate(0), Warmup.of(0, inner).learningRate(0));
    }

    @Test
    void rejectsNegativeSteps() {
        assertRejects("steps", () -> Warmup.of(-1, Constant.of(0.1)));
    }

    @Test
    void rejectsStartFactorOutsideZeroToOne() {
        assertRejects("startFactor", () -> Warmup.of(W, -0.1, Constant.of(0.1)));
        assertRejects("startFactor", () -> Warmup.of(W, 1.5, Constant.of(0.1)));
    }

    @Test
    void rejectsMissingInnerSchedule() {
        assertRejects("inner", () -> Warmup.of(W, null));
    }

    @Test
    void rejectsNegativeStep() {
        assertRejects("step", () -> Warmup.of(W, Constant.of(0.1)).learningRate(-5));
    }
}
