package io.lockstep.bench;

import io.lockstep.nn.BatchNormConversion;
import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.zoo.LeNet5;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/** The benchmarked network: {@link LeNet5} (batch norm after every hidden layer) in float, Adam 1e-3, 10 classes. */
final class LeNet5Bn {
    static final double LEARNING_RATE = 1e-3;

    private LeNet5Bn() {
    }

    /** Lockstep's version: {@link SyncBatchNormalization} layers (exact mode under Lockstep). */
    static MultiLayerConfiguration lockstep(long seed) {
        return LeNet5.configuration(seed, DataType.FLOAT, new Adam(LEARNING_RATE), 10);
    }

    /** DL4J's version: the same configuration with DL4J's own BatchNormalization in every batch-norm place. */
    static MultiLayerConfiguration dl4j(long seed) {
        MultiLayerConfiguration conf = lockstep(seed);
        for (NeuralNetConfiguration layerConf : conf.getConfs()) {
            if (layerConf.getLayer() instanceof SyncBatchNormalization sync) {
                layerConf.setLayer(BatchNormConversion.toDl4j(sync));
            }
        }
        return conf;
    }
}
