package io.lockstep.step;

import java.io.Serializable;
import java.util.Map;

/**
 * Per-layer numbers of one step, for finding where an explosion starts. Layers are named by their DL4J key
 * prefix (the layer index in a MultiLayerNetwork, the vertex name in a graph).
 *
 * @param gradientNorms L2 norm of each layer's averaged gradient, before clipping
 * @param updateRatios  ||update|| / ||parameters|| of each layer (none for a skipped step)
 * @param batchNorm     per SyncBN layer: its global batch mean and variance, summarized over channels
 */
public record StepDiagnostics(Map<String, Double> gradientNorms, Map<String, Double> updateRatios,
                              Map<String, BatchNormSummary> batchNorm) implements Serializable {
}
