package io.lockstep.step;

import java.io.Serializable;
import java.util.Map;

/**
 * Per-layer numbers of one step, for finding where an explosion starts. Layers are named by their DL4J key
 * prefix (the layer index in a MultiLayerNetwork, the vertex name in a graph).
 *
 * @param gradientNorms   L2 norm of each layer's averaged gradient, before clipping
 * @param updateRatios    ||update|| / ||parameters|| of each layer (0 for a skipped step)
 * @param batchNormMeans  per SyncBN layer: the mean over channels of the global batch mean
 * @param batchNormVariances per SyncBN layer: the mean over channels of the global batch variance
 */
public record StepDiagnostics(Map<String, Double> gradientNorms, Map<String, Double> updateRatios,
                              Map<String, Double> batchNormMeans, Map<String, Double> batchNormVariances)
        implements Serializable {
}
