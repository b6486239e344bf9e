package io.lockstep.runner;

import static io.lockstep.testing.ParameterAssertions.assertSameParameters;
import static io.lockstep.testing.Closeness.assertClose;

import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.nn.SyncMode;
import io.lockstep.step.ClippingConfig;
import io.lockstep.testing.Dl4jTwin;
import io.lockstep.testing.RandomBatches;
import io.lockstep.zoo.LeNet5;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The promise: W workers with a global batch B compute what one JVM computes with batch B. The reference is
 * DL4J's own single-JVM fit() with DL4J's BatchNormalization, in double precision, compared parameter by
 * parameter (running statistics included) after many steps.
 */
class DataParallelExactnessTest {
    private static final double TOLERANCE = 1e-8;

    @Test
    void lenet5WithFourWorkersMatchesDl4jFitOverTwentyAdamSteps() {
        MultiLayerConfiguration conf = LeNet5.configuration(7, DataType.DOUBLE, new Adam(1e-2), 10);
        Dl4jTwin.useBiasedRunningVariance(conf);
        MultiLayerNetwork reference = new MultiLayerNetwork(Dl4jTwin.withDl4jBatchNorm(conf));
        reference.init();
        MultiLayerNetwork lockstep = new MultiLayerNetwork(conf);
        lockstep.init(reference.params().dup(), false);

        List<DataSet> batches = RandomBatches.of(11, 20, DataType.DOUBLE, new long[] {24, 784}, 10);
        try (InProcessTrainer trainer = new InProcessTrainer(lockstep, 4, SyncMode.EXACT, ClippingConfig.NONE, null)) {
            for (DataSet batch : batches) {
                trainer.step(batch);
                reference.fit(batch);
            }
        }
        assertSameParameters(reference, lockstep, TOLERANCE);
        assertClose(reference.getUpdater().getStateViewArray(), lockstep.getUpdater().getStateViewArray(), TOLERANCE,
                "Adam state");
    }

    @Test
    void residualGraphWithUnevenShardsMatchesDl4jFitOverTwentyAdamSteps() {
        ComputationGraphConfiguration conf = residualGraph(new Adam(1e-2));
        Dl4jTwin.useBiasedRunningVariance(conf);
        ComputationGraph reference = new ComputationGraph(Dl4jTwin.withDl4jBatchNorm(conf));
        reference.init();
        ComputationGraph lockstep = new ComputationGraph(conf);
        lockstep.init(reference.params().dup(), false);

        List<DataSet> batches = RandomBatches.of(12, 20, DataType.DOUBLE, new long[] {18, 3, 8, 8}, 10);
        try (InProcessTrainer trainer = new InProcessTrainer(lockstep, 4, SyncMode.EXACT, ClippingConfig.NONE, null)) {
            for (DataSet batch : batches) {
                trainer.step(batch, new int[] {7, 0, 4, 7});
                reference.fit(batch);
            }
        }
        assertSameParameters(reference, lockstep, TOLERANCE);
    }

    static Stream<Arguments> updaters() {
        return Stream.of(
                Arguments.of("sgd", new Sgd(0.1), 0.0),
                Arguments.of("nesterov", new Nesterovs(0.05, 0.9), 0.0),
                Arguments.of("adam", new Adam(1e-2), 0.0),
                Arguments.of("adamw", new Adam(1e-2), 1e-2),
                Arguments.of("rmsprop", new RmsProp(1e-3), 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updaters")
    void everyOptimizerMatchesDl4jFitWithTwoWorkers(String name, IUpdater updater, double weightDecay) {
        MultiLayerConfiguration conf = mlp(updater, weightDecay);
        Dl4jTwin.useBiasedRunningVariance(conf);
        MultiLayerNetwork reference = new MultiLayerNetwork(Dl4jTwin.withDl4jBatchNorm(conf));
        reference.init();
        MultiLayerNetwork lockstep = new MultiLayerNetwork(conf);
        lockstep.init(reference.params().dup(), false);

        List<DataSet> batches = RandomBatches.of(13, 8, DataType.DOUBLE, new long[] {20, 12}, 4);
        try (InProcessTrainer trainer = new InProcessTrainer(lockstep, 2, SyncMode.EXACT, ClippingConfig.NONE, null)) {
            for (DataSet batch : batches) {
                trainer.step(batch);
                reference.fit(batch);
            }
        }
        assertSameParameters(reference, lockstep, TOLERANCE);
    }

    private static MultiLayerConfiguration mlp(IUpdater updater, double weightDecay) {
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.DOUBLE).updater(updater).weightInit(WeightInit.XAVIER);
        if (weightDecay > 0) {
            builder.regularization(List.of(new WeightDecay(weightDecay, true)));
        }
        return builder.list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.TANH))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(12))
                .build();
    }

    /** stem conv-BN-ReLU, one residual block (conv-BN-ReLU-conv-BN + identity, ReLU), global pooling, softmax. */
    private static ComputationGraphConfiguration residualGraph(IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(5).dataType(DataType.DOUBLE).updater(updater).weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in")
                .addLayer("stem", conv(), "in")
                .addLayer("stem_bn", new SyncBatchNormalization.Builder().build(), "stem")
                .addLayer("stem_relu", new ActivationLayer(Activation.RELU), "stem_bn")
                .addLayer("b1_conv1", conv(), "stem_relu")
                .addLayer("b1_bn1", new SyncBatchNormalization.Builder().build(), "b1_conv1")
                .addLayer("b1_relu1", new ActivationLayer(Activation.RELU), "b1_bn1")
                .addLayer("b1_conv2", conv(), "b1_relu1")
                .addLayer("b1_bn2", new SyncBatchNormalization.Builder().build(), "b1_conv2")
                .addVertex("b1_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "b1_bn2", "stem_relu")
                .addLayer("b1_relu2", new ActivationLayer(Activation.RELU), "b1_add")
                .addLayer("pool", new GlobalPoolingLayer(PoolingType.AVG), "b1_relu2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .build();
    }

    private static ConvolutionLayer conv() {
        return new ConvolutionLayer.Builder(3, 3).nOut(4).padding(1, 1).hasBias(false).activation(Activation.IDENTITY).build();
    }
}
