package io.lockstep.dist.bench;

import java.util.Arrays;
import java.util.Locale;

/** Order statistics of a set of durations, in milliseconds. */
record Timings(int count, double median, double p10, double p90, double mean) {

    static Timings ofNanos(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN) / 1e6;
        return new Timings(sorted.length, quantile(sorted, 0.5), quantile(sorted, 0.1), quantile(sorted, 0.9), mean);
    }

    static Timings ofMillis(double[] millis) {
        long[] nanos = Arrays.stream(millis).mapToLong(m -> Math.round(m * 1e6)).toArray();
        return ofNanos(nanos);
    }

    /** Nearest-rank quantile of sorted values, in ms. */
    private static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[index] / 1e6;
    }

    /** {"n":..,"median_ms":..,"p10_ms":..,"p90_ms":..,"mean_ms":..}. */
    String json() {
        return String.format(Locale.ROOT, "{\"n\":%d,\"median_ms\":%.3f,\"p10_ms\":%.3f,\"p90_ms\":%.3f,\"mean_ms\":%.3f}",
                count, median, p10, p90, mean);
    }
}
