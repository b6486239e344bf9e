package io.lockstep.spark.coordinator;

import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import java.util.Arrays;

/** Times all-reduce round trips through a {@link SparkCollective} (printed by the tests, never asserted). */
public final class AllReduceTiming {
    private AllReduceTiming() {
    }

    /**
     * Times {@code rounds} SUM all-reduces after 20 warm-up rounds, keyed by {@code site} to keep them apart
     * from other measurements on the same coordinator, and checks every sum.
     *
     * @return the median in milliseconds
     */
    public static double medianMillis(SparkCollective collective, int site, int length, int rounds) {
        int warmUp = 20;
        double[] contribution = new double[length];
        Arrays.fill(contribution, collective.rank() + 1);
        double expected = collective.worldSize() * (collective.worldSize() + 1) / 2.0;
        long[] nanos = new long[rounds];
        for (int i = -warmUp; i < rounds; i++) {
            long start = System.nanoTime();
            CollectiveKey key = new CollectiveKey(i + warmUp, site, CollectiveKey.Phase.BN_FORWARD);
            double[] sum = collective.allReduce(key, contribution, Reduction.SUM);
            long elapsed = System.nanoTime() - start;
            if (sum.length != length || sum[0] != expected || sum[length - 1] != expected) {
                throw new IllegalStateException("wrong sum in round " + i);
            }
            if (i >= 0) {
                nanos[i] = elapsed;
            }
        }
        Arrays.sort(nanos);
        return Math.round(nanos[rounds / 2] / 1e3) / 1e3;
    }
}
