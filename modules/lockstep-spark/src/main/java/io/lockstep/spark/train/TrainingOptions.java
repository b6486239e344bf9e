package io.lockstep.spark.train;

import io.lockstep.nn.SyncMode;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.GuardConfig;
import io.lockstep.step.LearningRateSchedule;
import java.io.Serializable;
import java.time.Duration;

/**
 * How {@link SparkTrainer} trains: W workers, global batch B (split over the workers as evenly as possible),
 * how long, the batch-norm sync mode, clipping, an optional learning-rate schedule.
 *
 * @param epochs          passes over the training data (each worker's shard, reshuffled per epoch)
 * @param maxSteps        stop after this many steps in total, or 0 for no limit
 * @param guard           loss-spike rollback and the limit on consecutive bad steps
 * @param threadsPerTask  ND4J (OpenMP) threads per worker task; 0 = the JVM's cores / tasks per JVM
 * @param roundTimeout    how long the coordinator waits for a missing worker before failing the round
 */
public record TrainingOptions(int workers, int globalBatch, int epochs, long maxSteps, long seed, SyncMode syncMode,
                              ClippingConfig clipping, GuardConfig guard, LearningRateSchedule schedule,
                              int threadsPerTask, Duration roundTimeout) implements Serializable {

    public TrainingOptions {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (globalBatch < workers) {
            throw new IllegalArgumentException("the global batch (" + globalBatch + ") must be at least the number of workers ("
                    + workers + ")");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("max-steps must be >= 0 (0 = no limit), got " + maxSteps);
        }
        if (clipping == null || guard == null || syncMode == null || roundTimeout == null) {
            throw new IllegalArgumentException("sync mode, clipping, guard and round timeout must be set");
        }
        if (threadsPerTask < 0) {
            throw new IllegalArgumentException("threads per task must be >= 0, got " + threadsPerTask);
        }
    }

    public static TrainingOptions of(int workers, int globalBatch, int epochs) {
        return new TrainingOptions(workers, globalBatch, epochs, 0, 42, SyncMode.EXACT, ClippingConfig.NONE,
                GuardConfig.DEFAULT, null, 0, Duration.ofMinutes(5));
    }

    public TrainingOptions withMaxSteps(long steps) {
        return new TrainingOptions(workers, globalBatch, epochs, steps, seed, syncMode, clipping, guard, schedule,
                threadsPerTask, roundTimeout);
    }

    public TrainingOptions withClipping(ClippingConfig newClipping) {
        return new TrainingOptions(workers, globalBatch, epochs, maxSteps, seed, syncMode, newClipping, guard, schedule,
                threadsPerTask, roundTimeout);
    }

    public TrainingOptions withGuard(GuardConfig newGuard) {
        return new TrainingOptions(workers, globalBatch, epochs, maxSteps, seed, syncMode, clipping, newGuard, schedule,
                threadsPerTask, roundTimeout);
    }

    public TrainingOptions withSeed(long newSeed) {
        return new TrainingOptions(workers, globalBatch, epochs, maxSteps, newSeed, syncMode, clipping, guard, schedule,
                threadsPerTask, roundTimeout);
    }
}
