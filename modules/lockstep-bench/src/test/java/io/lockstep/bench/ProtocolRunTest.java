package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProtocolRunTest {
    private static final long SECOND = 1_000_000_000L;
    /** 3 epochs of 10 steps, evaluated every 5, target 0.80. */
    private final PeerProtocol protocol = new PeerProtocol(0.80, 5, 3, 10, 100);
    private long now;
    private final List<String> progress = new ArrayList<>();
    private final ProtocolRun run = new ProtocolRun(Contender.DL4J_FIT, protocol, new TrainingClock(() -> now),
            progress::add);

    /** A step of one second, then an evaluation (when due) of ten seconds that returns {@code accuracy}. */
    private boolean step(long stepsDone, double accuracy) {
        now += SECOND;
        return run.trained(stepsDone, () -> {
            now += 10 * SECOND;
            return accuracy;
        });
    }

    @Test
    void evaluationTimeIsNotTrainingTime() {
        run.resumeClock();
        for (int s = 1; s <= 5; s++) {
            assertFalse(step(s, 0.5));
        }
        PeerResult result = run.finish("");
        assertEquals(List.of(new AccuracyPoint(5, 5.0, 0.5)), result.evaluations());
        assertEquals(5.0, result.trainSeconds(), 1e-12);
        assertEquals(500, result.images());
        assertEquals(100.0, result.imagesPerSecond(), 1e-9);
        assertEquals(1000.0, result.meanStepMillis(), 1e-9);
        assertEquals(1, progress.size());
    }

    @Test
    void stopsAtTheFirstEvaluationThatReachesTheTarget() {
        run.resumeClock();
        boolean stop = false;
        int s = 0;
        while (!stop) {
            s++;
            stop = step(s, s < 10 ? 0.7 : 0.85);
        }
        assertEquals(10, s);
        assertTrue(run.reachedTarget());
        PeerResult result = run.finish("");
        assertEquals(OptionalDouble.of(10.0), result.secondsToTarget(0.80));
        assertEquals(10, result.stepsToTarget(0.80));
        assertEquals(List.of(new AccuracyPoint(5, 5.0, 0.7), new AccuracyPoint(10, 10.0, 0.85)), result.evaluations());
        assertEquals(0.85, result.bestAccuracy());
    }

    @Test
    void aTrainerMayFinishItsEpochAfterTheTargetWithoutFurtherEvaluations() {
        run.resumeClock();
        for (int s = 1; s <= 4; s++) {
            step(s, 0);
        }
        assertTrue(step(5, 0.9));
        for (int s = 6; s <= 10; s++) {
            assertTrue(step(s, 0));
        }
        PeerResult result = run.finish("");
        assertEquals(1, result.evaluations().size());
        assertEquals(OptionalDouble.of(5.0), result.secondsToTarget(0.80));
        assertEquals(10, result.steps());
        assertEquals(10.0, result.trainSeconds(), 1e-12);
    }

    @Test
    void stopsAtTheCapWhenTheTargetIsNeverReached() {
        run.resumeClock();
        boolean stop = false;
        int s = 0;
        while (!stop) {
            s++;
            stop = step(s, 0.79);
        }
        assertEquals(30, s);
        PeerResult result = run.finish("");
        assertFalse(run.reachedTarget());
        assertEquals(6, result.evaluations().size());
        assertEquals(OptionalDouble.empty(), result.secondsToTarget(0.80));
        assertEquals(-1, result.stepsToTarget(0.80));
        assertEquals(30.0, result.trainSeconds(), 1e-12);
    }

    @Test
    void workOutsideTheClockIsNotTrainingTime() {
        run.resumeClock();
        now += SECOND;
        run.pauseClock();
        now += 7 * SECOND;
        run.resumeClock();
        now += SECOND;
        assertEquals(2.0, run.finish("").trainSeconds(), 1e-12);
    }
}
