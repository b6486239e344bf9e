package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatioTest {
    private static final double TARGET = 0.88;

    private static PeerResult run(double trainSeconds, AccuracyPoint... evaluations) {
        return new PeerResult(Contender.LOCKSTEP_W2, List.of(evaluations), 100, 12_800, trainSeconds, "", Double.NaN,
                null);
    }

    @Test
    void bothReachedGiveAnExactRatio() {
        Ratio r = Ratio.timeToTarget(run(100, new AccuracyPoint(10, 40, 0.9)), run(200, new AccuracyPoint(10, 80, 0.89)),
                TARGET);
        assertEquals(new Ratio(0.5, Ratio.Bound.EXACT), r);
        assertEquals("0.500", r.toString());
        assertEquals(Ratio.Verdict.MET, r.atMost(0.5));
        assertEquals(Ratio.Verdict.MISSED, r.atMost(0.4));
    }

    @Test
    void theFirstEvaluationAtOrAboveTheTargetCounts() {
        PeerResult a = run(100, new AccuracyPoint(5, 20, 0.87), new AccuracyPoint(10, 40, 0.88),
                new AccuracyPoint(15, 60, 0.90));
        assertEquals(40.0, a.secondsToTarget(TARGET).getAsDouble());
    }

    @Test
    void aDenominatorThatNeverReachedTheTargetBoundsTheRatioFromAbove() {
        // b needs more than its 500 s of training: a / b < 100 / 500
        Ratio r = Ratio.timeToTarget(run(150, new AccuracyPoint(10, 100, 0.9)), run(500, new AccuracyPoint(10, 400, 0.87)),
                TARGET);
        assertEquals(new Ratio(0.2, Ratio.Bound.AT_MOST), r);
        assertEquals("< 0.200", r.toString());
        assertEquals(Ratio.Verdict.MET, r.atMost(0.5));
        assertEquals(Ratio.Verdict.UNKNOWN, r.atMost(0.1));
    }

    @Test
    void aNumeratorThatNeverReachedTheTargetBoundsTheRatioFromBelow() {
        Ratio r = Ratio.timeToTarget(run(300, new AccuracyPoint(10, 300, 0.8)), run(500, new AccuracyPoint(10, 100, 0.9)),
                TARGET);
        assertEquals(new Ratio(3.0, Ratio.Bound.AT_LEAST), r);
        assertEquals(Ratio.Verdict.MISSED, r.atMost(0.5));
        assertEquals(Ratio.Verdict.MET, r.atLeast(2));
    }

    @Test
    void neitherReachedOrAFailureGiveNoRatio() {
        assertEquals(Ratio.NONE, Ratio.timeToTarget(run(1, new AccuracyPoint(1, 1, 0.1)), run(1), TARGET));
        assertEquals(Ratio.NONE, Ratio.timeToTarget(run(1, new AccuracyPoint(1, 1, 0.9)),
                PeerResult.failed(Contender.PARAM_AVG, "no"), TARGET));
        assertEquals("n/a", Ratio.NONE.toString());
        assertEquals(Ratio.Verdict.UNKNOWN, Ratio.NONE.atLeast(1));
    }

    @Test
    void throughputAndStepTimeRatios() {
        PeerResult fast = new PeerResult(Contender.LOCKSTEP_W2, List.of(), 100, 12_800, 10, "", Double.NaN, null);
        PeerResult slow = new PeerResult(Contender.PYTORCH, List.of(), 100, 12_800, 20, "", Double.NaN, null);
        assertEquals(new Ratio(2.0, Ratio.Bound.EXACT), PeerReport.throughput(fast, slow));
        assertEquals(new Ratio(0.5, Ratio.Bound.EXACT), PeerReport.stepTime(fast, slow));
        assertEquals(Ratio.NONE, PeerReport.throughput(fast, PeerResult.failed(Contender.PYTORCH, "no torch")));
    }
}
