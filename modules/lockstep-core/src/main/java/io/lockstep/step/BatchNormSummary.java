package io.lockstep.step;

import io.lockstep.math.Moments;
import java.io.Serializable;

/**
 * One SyncBN layer's global batch statistics of a step, summarized over its channels. The statistics are the Chan
 * merge of all workers' moments (the ones exact mode normalizes with), whatever the mode: a drifting mean or a
 * collapsing or exploding variance shows here before it shows in the loss.
 *
 * @param meanAbsMean  mean over channels of |batch mean|
 * @param meanVariance mean over channels of the biased batch variance
 * @param minVariance  smallest channel variance (near 0: a dead channel, normalized by epsilon alone)
 * @param maxVariance  largest channel variance
 */
public record BatchNormSummary(double meanAbsMean, double meanVariance, double minVariance, double maxVariance)
        implements Serializable {

    /** Summarizes the global moments of one layer. */
    public static BatchNormSummary of(Moments global) {
        double[] variance = global.biasedVariance();
        double absMeans = 0;
        double variances = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < variance.length; c++) {
            absMeans += Math.abs(global.mean(c));
            variances += variance[c];
            min = Math.min(min, variance[c]);
            max = Math.max(max, variance[c]);
        }
        return new BatchNormSummary(absMeans / variance.length, variances / variance.length, min, max);
    }
}
