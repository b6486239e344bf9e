package io.lockstep.testing;

import io.lockstep.nn.BatchNormConversion;
import io.lockstep.nn.SyncBatchNormalization;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;

/**
 * The plain-DL4J reference for a Lockstep network: the same configuration with every SyncBatchNormalization
 * replaced by DL4J's own BatchNormalization. Lockstep's side is set to DL4J's biased running variance so that
 * all parameters, running statistics included, must match.
 */
public final class Dl4jTwin {
    private Dl4jTwin() {
    }

    public static MultiLayerConfiguration withDl4jBatchNorm(MultiLayerConfiguration lockstep) {
        MultiLayerConfiguration twin = lockstep.clone();
        for (NeuralNetConfiguration layerConf : twin.getConfs()) {
            toDl4j(layerConf);
        }
        return twin;
    }

    public static ComputationGraphConfiguration withDl4jBatchNorm(ComputationGraphConfiguration lockstep) {
        ComputationGraphConfiguration twin = lockstep.clone();
        for (GraphVertex vertex : twin.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex) {
                toDl4j(layerVertex.getLayerConf());
            }
        }
        return twin;
    }

    public static void useBiasedRunningVariance(MultiLayerConfiguration lockstep) {
        for (NeuralNetConfiguration layerConf : lockstep.getConfs()) {
            if (layerConf.getLayer() instanceof SyncBatchNormalization sync) {
                sync.setUnbiasedRunningVariance(false);
            }
        }
    }

    public static void useBiasedRunningVariance(ComputationGraphConfiguration lockstep) {
        for (GraphVertex vertex : lockstep.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex
                    && layerVertex.getLayerConf().getLayer() instanceof SyncBatchNormalization sync) {
                sync.setUnbiasedRunningVariance(false);
            }
        }
    }

    private static void toDl4j(NeuralNetConfiguration layerConf) {
        if (layerConf.getLayer() instanceof SyncBatchNormalization sync) {
            layerConf.setLayer(BatchNormConversion.toDl4j(sync));
        }
    }
}
