package io.lockstep.nn;

import io.lockstep.math.Moments;

/**
 * Running mean and variance of a {@link SyncBatchNormLayer}, as the exponential moving average
 * {@code running = decay * running + (1 - decay) * batch}, written in DL4J's "distributed safe" form
 * {@code running -= (1 - decay) * (running - batch)}: the subtracted amount is what the layer reports as the
 * "gradient" of its running statistics, and a NoOp updater applies it.
 *
 * <p>The batch variance is the unbiased M2 / (N - 1) over the count N of the moments (PyTorch's convention),
 * or the biased M2 / N when the layer is configured as DL4J's ({@code unbiasedRunningVariance = false}).
 */
public final class RunningStatistics {

    private RunningStatistics() {
    }

    /** (1 - decay) * (running mean - batch mean), per channel. */
    public static double[] meanDelta(SyncBatchNormLayer layer, Moments batch) {
        return delta(layer, layer.channelValues(org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_MEAN), batch.mean());
    }

    /** (1 - decay) * (running variance - batch variance), per channel. */
    public static double[] varianceDelta(SyncBatchNormLayer layer, Moments batch) {
        double[] batchVariance = layer.configuration().isUnbiasedRunningVariance()
                ? batch.unbiasedVariance() : batch.biasedVariance();
        return delta(layer, layer.channelValues(org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_VAR), batchVariance);
    }

    private static double[] delta(SyncBatchNormLayer layer, double[] running, double[] batch) {
        double rate = 1.0 - layer.configuration().getDecay();
        double[] delta = new double[running.length];
        for (int c = 0; c < delta.length; c++) {
            delta[c] = rate * (running[c] - batch[c]);
        }
        return delta;
    }
}
