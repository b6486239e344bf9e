package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerProtocolTest {
    /** 2 epochs of 10 steps, evaluated every 4 steps: after 4, 8, 12, 16 and the last, 20. */
    private final PeerProtocol protocol = new PeerProtocol(0.88, 4, 2, 10, 128);

    @Test
    void evaluatesEveryIntervalAndAfterTheLastStep() {
        for (long step = 0; step <= 20; step++) {
            assertEquals(step > 0 && (step % 4 == 0 || step == 20), protocol.evaluatesAfter(step), "step " + step);
        }
        assertEquals(20, protocol.totalSteps());
    }

    @Test
    void chunksEndAtTheNextEvaluation() {
        assertEquals(4, protocol.nextEvaluation(0));
        assertEquals(8, protocol.nextEvaluation(4));
        assertEquals(8, protocol.nextEvaluation(5));
        assertEquals(20, protocol.nextEvaluation(16));
        assertEquals(20, protocol.nextEvaluation(19));
    }

    @Test
    void imagesAreStepsTimesTheBatch() {
        assertEquals(1280, protocol.images(10));
    }

    @Test
    void rejectsATargetOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new PeerProtocol(0, 4, 2, 10, 128));
        assertThrows(IllegalArgumentException.class, () -> new PeerProtocol(1.5, 4, 2, 10, 128));
        assertTrue(new PeerProtocol(1, 4, 2, 10, 128).evaluatesAfter(4));
        assertFalse(new PeerProtocol(1, 4, 2, 10, 128).evaluatesAfter(3));
    }
}
