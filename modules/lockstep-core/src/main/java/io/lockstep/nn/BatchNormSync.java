package io.lockstep.nn;

import io.lockstep.math.Moments;

/**
 * What a {@link SyncBatchNormLayer} asks of the data-parallel runtime, once per layer and step in each
 * direction. A layer with no sync attached behaves as plain, local batch norm.
 */
public interface BatchNormSync {

    /**
     * Given this replica's per-channel moments of the layer input, returns the moments to normalize with:
     * the global ones in {@link SyncMode#EXACT}, the local ones otherwise.
     */
    Moments forward(int layerIndex, Moments local);

    /**
     * Given this replica's per-channel {@code [sum(dy)..., sum(dy * x_hat)...]} (2C values), returns the sums to
     * back-propagate with: all-reduced over the workers in {@link SyncMode#EXACT}, the local ones otherwise.
     */
    double[] backward(int layerIndex, double[] localSums);
}
