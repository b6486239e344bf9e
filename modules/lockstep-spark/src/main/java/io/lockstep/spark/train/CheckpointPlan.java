package io.lockstep.spark.train;

import io.lockstep.checkpoint.CheckpointStore;

/**
 * When and where the driver checkpoints: every {@code everySteps} steps (0 = only at the end of training), into
 * the store, stamped with the configuration's fingerprint so that a resume can refuse a different configuration.
 */
public record CheckpointPlan(CheckpointStore store, long everySteps, String configFingerprint) {
    public CheckpointPlan {
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint.every-steps must be >= 0 (0 = at the end only), got " + everySteps);
        }
    }
}
