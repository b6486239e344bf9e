package io.lockstep.cli;

import io.lockstep.data.LabeledImages;
import io.lockstep.zoo.LeNet5;
import io.lockstep.zoo.Mlp;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The networks {@code lockstep.model} names, from the zoo, built for a dataset's image geometry and initialized with
 * {@code lockstep.seed}: {@link LeNet5} (28x28 grey images) and {@link Mlp} (784 - 256 - 128 - classes for 28x28
 * images; any image size, flattened). Both take flat rows of {@code C * H * W} features.
 */
final class Models {
    private Models() {
    }

    /**
     * The initialized network for {@code config} and the geometry of {@code data}.
     *
     * @throws ConfigError at {@code lockstep.model} when the network cannot take the dataset's images
     */
    static MultiLayerNetwork build(TrainConfig config, LabeledImages data) {
        IUpdater updater = Optimizers.updater(config.optimizer());
        DataType type = config.dtype().dataType();
        MultiLayerConfiguration configuration = switch (config.model()) {
            case LENET5_BN -> {
                if (data.channels() != 1 || data.height() != 28 || data.width() != 28) {
                    throw new ConfigError(TrainConfig.MODEL, "lenet5-bn takes 1x28x28 images, but "
                            + TrainConfig.DATA_DIR + " (" + config.data().dir() + ") holds " + data.channels() + "x"
                            + data.height() + "x" + data.width() + " images");
                }
                yield LeNet5.configuration(config.seed(), type, updater, data.numClasses());
            }
            case MLP -> Mlp.configuration(config.seed(), type, updater, data.imageSize(), Mlp.DEFAULT_HIDDEN1,
                    Mlp.DEFAULT_HIDDEN2, data.numClasses());
        };
        applyWeightDecay(configuration, Optimizers.weightRegularization(config.optimizer()));
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }

    /** Sets the weight regularization of every convolution and dense layer (batch norm keeps none). */
    private static void applyWeightDecay(MultiLayerConfiguration configuration, List<Regularization> regularization) {
        if (regularization.isEmpty()) {
            return;
        }
        for (NeuralNetConfiguration layer : configuration.getConfs()) {
            if (layer.getLayer() instanceof BaseLayer base && !(base instanceof BatchNormalization)) {
                base.setRegularization(regularization);
            }
        }
    }
}
