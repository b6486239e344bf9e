package io.lockstep.spark.train;

import io.lockstep.checkpoint.TrainingState;
import io.lockstep.spark.coordinator.StepHandler;
import io.lockstep.step.DriverStep;
import io.lockstep.step.FlatVector;
import io.lockstep.step.StepAggregate;
import io.lockstep.step.StepOutcome;
import io.lockstep.step.WorkerContribution;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's side of every step, for {@link ShardTrainer}: aggregate, apply, report, checkpoint, reply. Runs on
 * the coordinator's thread. (The same loop as SparkTrainer's own, as a class of its own so that both trainers can
 * share it.)
 */
final class StepLoop implements StepHandler {
    private final DriverStep driver;
    private final long totalSteps;
    private final int stepsPerEpoch;
    private final StepListener listener;
    private final CheckpointPlan checkpoints;
    private final long seed;
    private long lastReply = System.nanoTime();
    long nextStep;
    long steps;
    long skipped;
    long clipped;
    long examples;
    double lastLoss = Double.NaN;
    /** The reply to the last step told the workers to stop: training is over, or the listener stopped it. */
    boolean stopped;
    /** An error of the driver's own step (for example a non-finite step under the fail policy): not retried. */
    RuntimeException fatal;

    StepLoop(DriverStep driver, TrainingState start, long totalSteps, int stepsPerEpoch, StepListener listener,
             CheckpointPlan checkpoints) {
        this.driver = driver;
        this.nextStep = start.nextStep();
        this.seed = start.seed();
        this.skipped = start.skippedSteps();
        this.clipped = start.clippedSteps();
        this.examples = start.examples();
        this.checkpoints = checkpoints;
        this.totalSteps = totalSteps;
        this.stepsPerEpoch = stepsPerEpoch;
        this.listener = listener;
    }

    @Override
    public Serializable joinState() {
        return new JoinState(nextStep, FlatVector.of(driver.network().params()));
    }

    @Override
    public Serializable onStep(long step, List<Serializable> contributionsByRank) {
        long begin = System.nanoTime();
        List<WorkerContribution> contributions = new ArrayList<>(contributionsByRank.size());
        for (Serializable contribution : contributionsByRank) {
            contributions.add((WorkerContribution) contribution);
        }
        StepOutcome outcome;
        try {
            outcome = driver.apply(StepAggregate.of(contributions));
        } catch (RuntimeException e) {
            fatal = e;
            throw e;
        }
        nextStep = step + 1;
        steps++;
        examples += outcome.examples();
        if (outcome.skipped()) {
            skipped++;
        } else {
            lastLoss = outcome.loss();
        }
        if (outcome.clipped()) {
            clipped++;
        }
        long now = System.nanoTime();
        if (listener != null) {
            listener.onStep(outcome, (int) (step / stepsPerEpoch), (now - lastReply) / 1e6, (now - begin) / 1e6);
        }
        stopped = step + 1 >= totalSteps || listener != null && listener.stopRequested();
        StepReply reply = new StepReply(FlatVector.of(driver.network().params()), stopped);
        lastReply = now;
        if (checkpoints != null && periodicCheckpointAt(nextStep)) {
            saveCheckpoint();
        }
        return reply;
    }

    /** The state to resume from after the steps so far. */
    TrainingState state() {
        return new TrainingState(nextStep, seed, checkpoints == null ? null : checkpoints.configFingerprint(),
                skipped, clipped, examples);
    }

    /** At the end of training: a checkpoint unless the last step already wrote one. */
    void checkpointAtEnd() {
        if (checkpoints != null && steps > 0 && !periodicCheckpointAt(nextStep)) {
            saveCheckpoint();
        }
    }

    private boolean periodicCheckpointAt(long step) {
        return checkpoints.everySteps() > 0 && step % checkpoints.everySteps() == 0;
    }

    private void saveCheckpoint() {
        try {
            checkpoints.store().save(driver.network().model(), state());
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint at step " + nextStep + " failed: " + e.getMessage(), e);
        }
    }
}
