package io.lockstep.bench;

import java.util.Arrays;

/**
 * Median, 90th percentile and mean of a series of timings, in milliseconds.
 *
 * <p>The median of an even number of samples is the mean of the two middle ones; the 90th percentile is the
 * nearest-rank one (of 100 samples, the 90th smallest).
 */
record Summary(int count, double median, double p90, double mean) {

    static Summary ofMillis(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double p90 = sorted[(int) Math.ceil(0.9 * n) - 1];
        return new Summary(n, median, p90, Arrays.stream(sorted).average().orElseThrow());
    }

    static Summary ofNanos(long[] nanos) {
        return ofMillis(Arrays.stream(nanos).mapToDouble(t -> t / 1e6).toArray());
    }
}
