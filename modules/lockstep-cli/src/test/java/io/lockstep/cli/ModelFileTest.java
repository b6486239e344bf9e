package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.nn.SyncMode;
import io.lockstep.step.ClippingConfig.NonFinitePolicy;
import io.lockstep.zoo.ResNet20;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** lockstep.model as a DL4J configuration file: DL4J batch norm trains as SyncBN, the run's optimizer and dtype. */
class ModelFileTest {
    private static final LabeledImages GREY = LabeledImages.of(new byte[2 * 28 * 28], new byte[] {0, 9}, 10, 1, 28, 28);
    private static final LabeledImages COLOUR =
            LabeledImages.of(new byte[2 * 3 * 32 * 32], new byte[] {0, 9}, 10, 3, 32, 32);

    @TempDir
    Path tmp;

    @Test
    void aLayerListWithDl4jBatchNormTrainsWithSyncBnAndTheRunsOptimizer() throws IOException {
        Model model = build(write("mlp.json", mlpJson(10)), GREY);

        MultiLayerNetwork network = assertInstanceOf(MultiLayerNetwork.class, model);
        assertEquals(DataType.DOUBLE, network.params().dataType());
        NeuralNetConfiguration batchNorm = network.getLayerWiseConfigurations().getConf(1);
        assertInstanceOf(SyncBatchNormalization.class, batchNorm.getLayer());
        assertEquals(new Nesterovs(0.1, 0.9), network.getLayerWiseConfigurations().getConf(0).getLayer()
                .getUpdaterByParam("W"));
    }

    @Test
    void aGraphFromItsJson() throws IOException {
        String json = ResNet20.configuration(5, DataType.FLOAT, new RmsProp(1e-3), 10).toJson();

        ComputationGraph graph = assertInstanceOf(ComputationGraph.class, build(write("resnet.json", json), COLOUR));
        assertEquals(DataType.DOUBLE, graph.params().dataType());
        assertEquals(new Nesterovs(0.1, 0.9), graph.getLayer("stem_conv").conf().getLayer().getUpdaterByParam("W"));
    }

    @Test
    void aNetworkWithTheWrongNumberOfClassesIsRefused() throws IOException {
        ConfigError e = assertThrows(ConfigError.class, () -> build(write("mlp.json", mlpJson(3)), GREY));
        assertEquals(TrainConfig.MODEL, e.key());
        assertTrue(e.problem().endsWith("mlp.json gives outputs of shape [2, 3] for 2 images; the dataset has 10"
                + " classes"), e.problem());
    }

    @Test
    void aFileThatIsNotAConfigurationIsRefused() throws IOException {
        ConfigError e = assertThrows(ConfigError.class, () -> build(write("x.json", "{\"layers\": 3}"), GREY));
        assertTrue(e.problem().contains("x.json: not a DL4J network configuration: "), e.problem());
        ConfigError missing = assertThrows(ConfigError.class, () -> build(tmp.resolve("nope.json").toString(), GREY));
        assertTrue(missing.problem().startsWith("cannot read " + tmp.resolve("nope.json")), missing.problem());
    }

    private static String mlpJson(int classes) {
        return new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build().toJson();
    }

    private String write(String name, String json) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, json);
        return file.toString();
    }

    private static Model build(String file, LabeledImages images) {
        TrainConfig config = new TrainConfig("runs/x", new TrainConfig.Spark("local[2]", Map.of()), 2, 0,
                Duration.ofMinutes(1), 3, Precision.DOUBLE, new TrainConfig.Train(2, 1, 0), SyncMode.EXACT,
                new TrainConfig.Clip(0, 0, 0, NonFinitePolicy.SKIP), new TrainConfig.Guard(10, 20, 0.5, 10),
                TrainConfig.Optimizer.of(OptimizerName.NESTEROV, 0.1, 0.9, 0),
                new TrainConfig.Data(DatasetLayout.FASHION_MNIST, "data/x", false, TrainConfig.AugmentationName.NONE),
                ModelSpec.file(file), new TrainConfig.Checkpoint("{run-dir}/checkpoints", 0, 1));
        return Models.build(config, images, new Configuration());
    }
}
