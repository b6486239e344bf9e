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
import io.lockstep.step.LearningRateSchedule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/** The optimizer settings as ND4J updaters and DL4J regularization, and the networks built from a config. */
class ModelsTest {
    private static final LabeledImages IMAGES = LabeledImages.of(new byte[2 * 28 * 28], new byte[] {0, 9}, 10, 1, 28, 28);
    private static final LabeledImages COLOUR_IMAGES =
            LabeledImages.of(new byte[2 * 3 * 32 * 32], new byte[] {0, 9}, 10, 3, 32, 32);

    @Test
    void updaters() {
        assertEquals(new Sgd(0.1), Optimizers.updater(optimizer(OptimizerName.SGD, null, 0), 128));
        assertEquals(new Nesterovs(0.1, 0.9), Optimizers.updater(optimizer(OptimizerName.NESTEROV, null, 0), 128));
        assertEquals(new Nesterovs(0.1, 0.5), Optimizers.updater(optimizer(OptimizerName.NESTEROV, 0.5, 0), 128));
        assertEquals(new Adam(0.1, 0.8, 0.999, 1e-8), Optimizers.updater(optimizer(OptimizerName.ADAMW, 0.8, 0), 128));
        assertEquals(new RmsProp(0.1), Optimizers.updater(optimizer(OptimizerName.RMSPROP, null, 0), 128));
    }

    @Test
    void schedules() {
        TrainConfig.Optimizer constant = optimizer(OptimizerName.ADAM, null, 0);
        assertEquals(0.1, schedule(constant).learningRate(99));
        TrainConfig.Optimizer cosine = withSchedule(TrainConfig.Schedule.COSINE, 0, List.of());
        assertEquals(0.1, schedule(cosine).learningRate(0), 1e-15);
        assertEquals(0.05, schedule(cosine).learningRate(50), 1e-15);
        assertTrue(schedule(cosine).learningRate(99) < 1e-4);
        TrainConfig.Optimizer warm = withSchedule(TrainConfig.Schedule.COSINE, 10, List.of());
        assertEquals(0.1 / 3, schedule(warm).learningRate(0), 1e-15);
        // 10 steps per epoch: decays at the first step of epochs 3 and 7
        TrainConfig.Optimizer step = withSchedule(TrainConfig.Schedule.STEP, 0, List.of(3L, 7L));
        assertEquals(0.1, schedule(step).learningRate(29), 1e-15);
        assertEquals(0.01, schedule(step).learningRate(30), 1e-15);
        assertEquals(0.01, schedule(step).learningRate(69), 1e-15);
        assertEquals(0.001, schedule(step).learningRate(70), 1e-15);
    }

    @Test
    void linearScalingRule() {
        TrainConfig.Optimizer scaled = new TrainConfig.Optimizer(OptimizerName.NESTEROV, 0.1,
                TrainConfig.Schedule.CONSTANT, 0, 0.9, 0, List.of(), 0.1, true);
        assertEquals(0.05, Optimizers.schedule(scaled, 100, 10, 128).learningRate(0), 1e-15);
        assertEquals(new Nesterovs(0.4, 0.9), Optimizers.updater(scaled, 1024));
    }

    private static LearningRateSchedule schedule(TrainConfig.Optimizer optimizer) {
        return Optimizers.schedule(optimizer, 100, 10, 128);
    }

    private static TrainConfig.Optimizer withSchedule(TrainConfig.Schedule schedule, long warmup, List<Long> decay) {
        return new TrainConfig.Optimizer(OptimizerName.ADAM, 0.1, schedule, warmup, null, 0, decay, 0.1, false);
    }

    @Test
    void adamwDecaysDecoupledTheOthersAddL2() {
        assertEquals(List.of(), Optimizers.weightRegularization(optimizer(OptimizerName.ADAMW, null, 0)));
        assertEquals(List.of(new WeightDecay(1e-4, true)),
                Optimizers.weightRegularization(optimizer(OptimizerName.ADAMW, null, 1e-4)));
        assertEquals(List.of(new L2Regularization(1e-4)),
                Optimizers.weightRegularization(optimizer(OptimizerName.ADAM, null, 1e-4)));
    }

    @Test
    void weightDecayReachesWeightsOnlyNotBatchNormOrBiases() {
        MultiLayerNetwork network = (MultiLayerNetwork) build(
                config(ModelName.LENET5_BN, optimizer(OptimizerName.ADAMW, null, 1e-4)), IMAGES);
        int decayed = 0;
        for (NeuralNetConfiguration layer : network.getLayerWiseConfigurations().getConfs()) {
            if (layer.getLayer() instanceof SyncBatchNormalization batchNorm) {
                assertTrue(batchNorm.getRegularization() == null || batchNorm.getRegularization().isEmpty());
            } else if (layer.getLayer() instanceof BaseLayer base) {
                List<Regularization> weights = base.getRegularizationByParam("W");
                assertEquals(List.of(new WeightDecay(1e-4, true)), weights);
                assertTrue(base.getRegularizationByParam("b") == null || base.getRegularizationByParam("b").isEmpty());
                decayed++;
            }
        }
        assertEquals(5, decayed, "2 convolutions, 2 dense layers, the output layer");
    }

    @Test
    void networksForTheConfiguredTypeAndSeed() {
        Model model = build(config(ModelName.MLP, optimizer(OptimizerName.SGD, null, 0)), IMAGES);
        MultiLayerNetwork mlp = assertInstanceOf(MultiLayerNetwork.class, model);
        assertEquals(DataType.DOUBLE, mlp.params().dataType());
        assertInstanceOf(Sgd.class, mlp.getLayerWiseConfigurations().getConf(0).getLayer().getUpdaterByParam("W"));
        Model again = build(config(ModelName.MLP, optimizer(OptimizerName.SGD, null, 0)), IMAGES);
        assertEquals(mlp.params(), again.params(), "same seed, same initial weights");
    }

    @Test
    void resNet20IsAGraphForColourImagesWithWeightDecayOnItsWeights() {
        Model model = build(config(ModelName.RESNET20_BN, optimizer(OptimizerName.NESTEROV, 0.9, 5e-4)),
                COLOUR_IMAGES);
        ComputationGraph graph = assertInstanceOf(ComputationGraph.class, model);
        int decayed = 0;
        for (GraphVertex vertex : graph.getConfiguration().getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex && layerVertex.getLayerConf().getLayer() instanceof BaseLayer base) {
                boolean batchNorm = base instanceof SyncBatchNormalization;
                List<Regularization> weights = base.getRegularizationByParam(batchNorm ? "gamma" : "W");
                assertEquals(batchNorm ? List.of() : List.of(new L2Regularization(5e-4)),
                        weights == null ? List.of() : weights, vertex.toString());
                decayed += batchNorm ? 0 : 1;
            }
        }
        assertEquals(20, decayed, "19 convolutions and the output layer");
    }

    @Test
    void aNetworkRefusesImagesOfTheWrongShapeNamingTheModelKey() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> build(config(ModelName.RESNET20_BN, optimizer(OptimizerName.SGD, null, 0)), IMAGES));
        assertEquals(TrainConfig.MODEL, e.key());
        assertTrue(e.getMessage().contains("resnet20-bn takes 3x32x32 images"), e.getMessage());
        assertThrows(ConfigError.class,
                () -> build(config(ModelName.LENET5_BN, optimizer(OptimizerName.SGD, null, 0)), COLOUR_IMAGES));
    }

    private static Model build(TrainConfig config, LabeledImages images) {
        return Models.build(config, images, new Configuration());
    }

    private static TrainConfig.Optimizer optimizer(OptimizerName name, Double momentum, double weightDecay) {
        return TrainConfig.Optimizer.of(name, 0.1, momentum, weightDecay);
    }

    private static TrainConfig config(ModelName model, TrainConfig.Optimizer optimizer) {
        return new TrainConfig("runs/x", new TrainConfig.Spark("local[2]", Map.of()), 2, 0, Duration.ofMinutes(1), 3,
                Precision.DOUBLE, new TrainConfig.Train(2, 1, 0), SyncMode.EXACT,
                new TrainConfig.Clip(0, 0, 0, NonFinitePolicy.SKIP), new TrainConfig.Guard(10, 20, 0.5, 10), optimizer,
                new TrainConfig.Data(DatasetLayout.FASHION_MNIST, "data/x", false, TrainConfig.AugmentationName.NONE),
                ModelSpec.zoo(model),
                new TrainConfig.Checkpoint("{run-dir}/checkpoints", 0, 1));
    }
}
