package io.lockstep.schedule;

import static io.lockstep.schedule.ScheduleAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Goyal et al. 2017: lr = referenceRate * globalBatch / 256. */
class LinearScalingTest {

    @Test
    void scalesTheReferenceRateByBatchOver256() {
        assertEquals(0.4, LinearScaling.learningRate(0.1, 1024), 1e-15);
        assertEquals(3.2, LinearScaling.learningRate(0.1, 8192), 1e-15);
    }

    @Test
    void keepsTheRateAtTheReferenceBatch() {
        assertEquals(0.1, LinearScaling.learningRate(0.1, LinearScaling.REFERENCE_BATCH));
    }

    @Test
    void acceptsAnotherReferenceBatch() {
        assertEquals(0.05, LinearScaling.learningRate(0.1, 64, 128), 1e-15);
    }

    @Test
    void rejectsNonPositiveGlobalBatch() {
        assertRejects("globalBatch", () -> LinearScaling.learningRate(0.1, 0));
    }

    @Test
    void rejectsNonPositiveReferenceBatch() {
        assertRejects("referenceBatch", () -> LinearScaling.learningRate(0.1, 64, 0));
    }

    @Test
    void rejectsNonPositiveReferenceRate() {
        assertRejects("referenceRate", () -> LinearScaling.learningRate(-0.1, 64));
    }
}
