package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void medianOfAnOddCountIsTheMiddleSample() {
        assertEquals(3.0, Summary.ofMillis(new double[] {5, 1, 3}).median());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleSamples() {
        assertEquals(2.5, Summary.ofMillis(new double[] {4, 1, 3, 2}).median());
    }

    @Test
    void p90IsTheNearestRankPercentile() {
        double[] samples = new double[100];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 100 - i;
        }
        assertEquals(90.0, Summary.ofMillis(samples).p90());
        assertEquals(7.0, Summary.ofMillis(new double[] {7}).p90());
    }

    @Test
    void nanosAreReportedInMillis() {
        Summary summary = Summary.ofNanos(new long[] {1_000_000, 3_000_000});
        assertEquals(2.0, summary.median());
        assertEquals(2.0, summary.mean());
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Summary.ofMillis(new double[0]));
    }
}
