package io.lockstep.step;

import io.lockstep.model.Network;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Watches every step's loss: a loss spike (above {@code spikeFactor} times the median of the recent good losses)
 * rolls the driver's network back to the last good state kept in memory (parameters, running statistics,
 * optimizer state, iteration count) and scales the steps down ({@link #updateScale()}); consecutive bad steps beyond a limit stop
 * training. The good state is the one before the last update whose loss was judged fine.
 */
final class ExplosionGuard {
    private final GuardConfig config;
    private final Network network;
    private final ArrayDeque<Double> recentLosses = new ArrayDeque<>();
    private INDArray goodParams;
    private INDArray goodUpdaterState;
    private int goodIterations;
    private double updateScale = 1.0;
    private int consecutiveBad;

    ExplosionGuard(GuardConfig config, Network network) {
        this.config = config;
        this.network = network;
    }

    /** Whether a finite loss is a spike over the recent median. */
    boolean isSpike(double loss) {
        if (config.spikeFactor() == 0 || recentLosses.size() < GuardConfig.MIN_HISTORY) {
            return false;
        }
        double[] sorted = recentLosses.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return loss > config.spikeFactor() * median;
    }

    /** A step about to be applied: its loss joins the history and the state before the update is remembered. */
    void acceptGood(double loss) {
        consecutiveBad = 0;
        recentLosses.addLast(loss);
        if (recentLosses.size() > config.window()) {
            recentLosses.removeFirst();
        }
        if (config.spikeFactor() > 0) {
            goodParams = copyInto(goodParams, network.params());
            goodUpdaterState = copyInto(goodUpdaterState, network.updater().getStateViewArray());
            goodIterations = network.iterationCount();
        }
    }

    /** After a spike: back to the last good state, with smaller steps from now on. */
    void rollBack() {
        if (goodParams != null) {
            network.params().assign(goodParams);
            if (goodUpdaterState != null) {
                network.updater().getStateViewArray().assign(goodUpdaterState);
            }
            network.setIterationCount(goodIterations);
        }
        updateScale *= config.learningRateBackoff();
    }

    /** Counts a bad step (non-finite or spike); stops training once there were too many in a row. */
    void countBad(long step, String what) {
        consecutiveBad++;
        if (config.maxBadSteps() > 0 && consecutiveBad >= config.maxBadSteps()) {
            throw new TrainingDivergedException("training stopped at step " + step + " after " + consecutiveBad
                    + " consecutive bad steps (last: " + what + "); recent losses "
                    + Arrays.toString(recentLosses.stream().mapToDouble(Double::doubleValue).toArray())
                    + ". Lower the learning rate or tighten clipping (guard.max-bad-steps = " + config.maxBadSteps() + ")");
        }
    }

    /**
     * The product of all backoffs so far, applied to the updater's output for the trainable parameters: the same
     * as scaling the learning rate for SGD, Adam, AdamW and RMSprop (and for momentum methods, the step taken).
     * DL4J's own per-layer learning-rate change cannot be used here: rebuilding the updater state fails for
     * networks with batch-norm running statistics.
     */
    double updateScale() {
        return updateScale;
    }

    /** A copy of source, reusing target's memory when it fits; null for no source (an updater without state). */
    private static INDArray copyInto(INDArray target, INDArray source) {
        if (source == null) {
            return null;
        }
        if (target == null || target.length() != source.length()) {
            return source.dup();
        }
        return target.assign(source);
    }
}
