package io.lockstep.nn;

import java.util.Locale;

/** How a {@link SyncBatchNormLayer} combines the batch statistics of data-parallel workers. */
public enum SyncMode {
    /**
     * Normalize with the global mean and variance of the whole global batch, forward and backward: the same
     * computation as one JVM with the global batch (two small all-reduces per layer and step).
     */
    EXACT,
    /**
     * Normalize with each worker's local statistics; the running statistics are still merged exactly from all
     * workers' moments on the driver (no extra round trip: the moments ride with the gradients). The regime of
     * Goyal et al. 2017.
     */
    STATS,
    /** Plain per-worker batch norm; running statistics are the average of the workers' own, for comparison. */
    LOCAL;

    /** Parses the configuration spelling ({@code exact}, {@code stats}, {@code local}). */
    public static SyncMode parse(String value) {
        for (SyncMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown batch-norm sync mode '" + value + "' (expected exact, stats or local)");
    }

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
