package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.assertRate;
import static io.lockstep.schedule.ScheduleAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** lr(t) = base * gamma ^ (number of milestones <= t). */
class MultiStepDecayTest {
    /** He et al. 2016, section 4.2: 0.1, divided by 10 at 32k and 48k iterations. */
    private static final MultiStepDecay RESNET_CIFAR = MultiStepDecay.of(0.1, new long[] {32_000, 48_000});

    @Test
    void keepsTheBaseRateBeforeTheFirstMilestone() {
        assertEquals(0.1, RESNET_CIFAR.learningRate(0));
        assertEquals(0.1, RESNET_CIFAR.learningRate(31_999));
    }

    @Test
    void decaysFromTheMilestoneStepOn() {
        assertRate(0.01, RESNET_CIFAR, 32_000);
        assertRate(0.01, RESNET_CIFAR, 47_999);
        assertRate(0.001, RESNET_CIFAR, 48_000);
        assertRate(0.001, RESNET_CIFAR, 64_000);
    }

    @Test
    void usesTheGivenGamma() {
        MultiStepDecay schedule = MultiStepDecay.of(1.0, new long[] {3, 5}, 0.5);

        assertRate(0.5, schedule, 4);
        assertRate(0.25, schedule, 5);
    }

    @Test
    void copiesTheMilestones() {
        long[] milestones = {10, 20};
        MultiStepDecay schedule = MultiStepDecay.of(0.1, milestones);

        milestones[0] = 1;

        assertEquals(List.of(10L, 20L), schedule.milestones());
    }

    @Test
    void rejectsNoMilestones() {
        assertRejects("milestones", () -> MultiStepDecay.of(0.1, new long[0]));
        assertRejects("milestones", () -> MultiStepDecay.of(0.1, null));
    }

    @Test
    void rejectsMilestonesOutOfOrder() {
        assertRejects("milestones", () -> MultiStepDecay.of(0.1, new long[] {20, 10}));
        assertRejects("milestones", () -> MultiStepDecay.of(0.1, new long[] {10, 10}));
    }

    @Test
    void rejectsNonPositiveMilestone() {
        assertRejects("milestones", () -> MultiStepDecay.of(0.1, new long[] {0, 10}));
    }

    @Test
    void rejectsGammaAboveOne() {
        assertRejects("gamma", () -> MultiStepDecay.of(0.1, new long[] {10}, 2));
    }

    @Test
    void rejectsNonPositiveBaseRate() {
        assertRejects("baseRate", () -> MultiStepDecay.of(0, new long[] {10}));
    }
}
