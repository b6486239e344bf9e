package io.lockstep.cli;

import io.lockstep.data.LabeledImages;
import io.lockstep.model.Network;
import io.lockstep.nn.BatchNormConversion;
import io.lockstep.nn.SyncBatchNormalization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A network from the user's own DL4J configuration: a {@code MultiLayerConfiguration} or
 * {@code ComputationGraphConfiguration} as JSON ({@code toJson()}) in a file on any Hadoop file system. Its layers,
 * their sizes and weight initialization and its seed are the file's; its DL4J {@code BatchNormalization} layers train
 * as exact synchronized batch norm ({@link BatchNormConversion#toSync}); the updater, the weight decay and the data
 * type are the run's ({@code lockstep.optimizer.*}, {@code lockstep.dtype}), as for the zoo's networks, so that one
 * configuration file says how the run optimizes.
 */
final class ModelFile {
    /** A graph's JSON has its vertices; a layer list's has none. */
    private static final String GRAPH_MARKER = "\"vertices\"";

    private ModelFile() {
    }

    /**
     * @throws ConfigError at {@code lockstep.model} when the file cannot be read, is not a DL4J configuration, or
     *                     describes a network that cannot take the dataset's images and classes
     */
    static Model build(TrainConfig config, LabeledImages data, Configuration hadoop) {
        String file = config.model().file();
        String json = read(file, hadoop);
        IUpdater updater = Optimizers.updater(config.optimizer(), config.train().batchSize());
        DataType type = config.dtype().dataType();
        Model model;
        try {
            if (json.contains(GRAPH_MARKER)) {
                ComputationGraphConfiguration graph = ComputationGraphConfiguration.fromJson(json);
                graph.setDataType(type);
                prepare(Models.layerConfigurations(graph), updater, type);
                model = Models.graph(graph, Optimizers.weightRegularization(config.optimizer()));
            } else {
                MultiLayerConfiguration layers = MultiLayerConfiguration.fromJson(json);
                layers.setDataType(type);
                prepare(layers.getConfs().stream(), updater, type);
                model = Models.network(layers, Optimizers.weightRegularization(config.optimizer()));
            }
        } catch (RuntimeException e) {
            throw new ConfigError(TrainConfig.MODEL, file + ": not a DL4J network configuration: " + e.getMessage());
        }
        requireFits(file, model, data);
        return model;
    }

    /** DL4J batch norm becomes SyncBN; every layer takes the run's updater and data type. */
    private static void prepare(Stream<NeuralNetConfiguration> layers, IUpdater updater, DataType type) {
        layers.forEach(layer -> {
            layer.setDataType(type);
            if (layer.getLayer() instanceof BatchNormalization batchNorm
                    && !(batchNorm instanceof SyncBatchNormalization)) {
                layer.setLayer(BatchNormConversion.toSync(batchNorm));
            }
            if (layer.getLayer() instanceof BaseLayer base) {
                base.setIUpdater(updater);
            }
        });
    }

    /** One forward pass of two images: the network must take them and give one score per class. */
    private static void requireFits(String file, Model model, LabeledImages data) {
        Network network = Network.of(model);
        int[] two = IntStream.range(0, Math.min(2, data.count())).toArray();
        INDArray features = data.toDataSet(two, network.featureShape(), model.params().dataType()).getFeatures();
        long[] shape;
        try {
            shape = (model instanceof ComputationGraph graph ? graph.outputSingle(features)
                    : ((MultiLayerNetwork) model).output(features)).shape();
        } catch (RuntimeException e) {
            throw new ConfigError(TrainConfig.MODEL, file + " cannot take the " + data.channels() + "x"
                    + data.height() + "x" + data.width() + " images of " + TrainConfig.DATA_DIR + ": " + e.getMessage());
        }
        if (shape.length != 2 || shape[1] != data.numClasses()) {
            throw new ConfigError(TrainConfig.MODEL, file + " gives outputs of shape " + Arrays.toString(shape)
                    + " for " + two.length + " images; the dataset has " + data.numClasses() + " classes");
        }
    }

    private static String read(String file, Configuration hadoop) {
        Path path = new Path(file);
        try (InputStream in = path.getFileSystem(hadoop).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigError(TrainConfig.MODEL, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
