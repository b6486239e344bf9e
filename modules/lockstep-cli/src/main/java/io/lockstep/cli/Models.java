package io.lockstep.cli;

import io.lockstep.data.LabeledImages;
import io.lockstep.zoo.LeNet5;
import io.lockstep.zoo.Mlp;
import io.lockstep.zoo.ResNet20;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The networks {@code lockstep.model} names, from the zoo, built for a dataset's image geometry and initialized with
 * {@code lockstep.seed}: {@link LeNet5} (28x28 grey images, flat rows of features), {@link Mlp} (784 - 256 - 128 -
 * classes for 28x28 images; any image size, flattened) and {@link ResNet20} (a {@link ComputationGraph} for 32x32
 * colour images, NCHW features); or the user's own DL4J configuration ({@link ModelFile}).
 */
final class Models {
    private Models() {
    }

    /**
     * The initialized network for {@code config} and the geometry of {@code data}.
     *
     * @throws ConfigError at {@code lockstep.model} when the network cannot take the dataset's images
     */
    static Model build(TrainConfig config, LabeledImages data, Configuration hadoop) {
        if (config.model().file() != null) {
            return ModelFile.build(config, data, hadoop);
        }
        IUpdater updater = Optimizers.updater(config.optimizer(), config.train().batchSize());
        DataType type = config.dtype().dataType();
        List<Regularization> weightDecay = Optimizers.weightRegularization(config.optimizer());
        return switch (config.model().zoo()) {
            case LENET5_BN -> {
                requireImages(config, data, 1, 28);
                yield network(LeNet5.configuration(config.seed(), type, updater, data.numClasses()), weightDecay);
            }
            case MLP -> network(Mlp.configuration(config.seed(), type, updater, data.imageSize(), Mlp.DEFAULT_HIDDEN1,
                    Mlp.DEFAULT_HIDDEN2, data.numClasses()), weightDecay);
            case RESNET20_BN -> {
                requireImages(config, data, 3, 32);
                yield graph(ResNet20.configuration(config.seed(), type, updater, data.numClasses()), weightDecay);
            }
        };
    }

    private static void requireImages(TrainConfig config, LabeledImages data, int channels, int size) {
        if (data.channels() != channels || data.height() != size || data.width() != size) {
            throw new ConfigError(TrainConfig.MODEL, config.model().spelling() + " takes " + channels + "x" + size
                    + "x" + size + " images, but " + TrainConfig.DATA_DIR + " (" + config.data().dir() + ") holds "
                    + data.channels() + "x" + data.height() + "x" + data.width() + " images");
        }
    }

    static MultiLayerNetwork network(MultiLayerConfiguration configuration, List<Regularization> weightDecay) {
        applyWeightDecay(configuration.getConfs().stream().map(NeuralNetConfiguration::getLayer), weightDecay);
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }

    static ComputationGraph graph(ComputationGraphConfiguration configuration, List<Regularization> weightDecay) {
        applyWeightDecay(layerConfigurations(configuration).map(NeuralNetConfiguration::getLayer), weightDecay);
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init();
        return graph;
    }

    /** The configurations of a graph's layers. */
    static Stream<NeuralNetConfiguration> layerConfigurations(ComputationGraphConfiguration configuration) {
        return configuration.getVertices().values().stream()
                .filter(LayerVertex.class::isInstance)
                .map(vertex -> ((LayerVertex) vertex).getLayerConf());
    }

    /** Sets the weight regularization of every convolution and dense layer (batch norm keeps none). */
    static void applyWeightDecay(Stream<Layer> layers, List<Regularization> regularization) {
        if (regularization.isEmpty()) {
            return;
        }
        layers.forEach(layer -> {
            if (layer instanceof BaseLayer base && !(base instanceof BatchNormalization)) {
                base.setRegularization(regularization);
            }
        });
    }
}
