package io.lockstep.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.math.Moments;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.nn.SyncMode;
import io.lockstep.runner.InProcessTrainer;
import io.lockstep.testing.RandomBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ExplosionGuardTest {

    private static MultiLayerNetwork mlp(org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.DOUBLE).updater(updater).list()
                .layer(new DenseLayer.Builder().nOut(8).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(5))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static StepAggregate aggregate(MultiLayerNetwork net, long step, double gradientValue, double loss) {
        INDArray gradient = Nd4j.valueArrayOf(new long[] {1, net.numParams()}, gradientValue, DataType.DOUBLE);
        Map<Integer, Moments> moments = Map.of(1, new Moments(4, new double[8], new double[] {3, 3, 3, 3, 3, 3, 3, 3}));
        return StepAggregate.of(List.of(new WorkerContribution(step, 0, 4, loss * 4, FlatVector.of(gradient), moments)));
    }

    @Test
    void aLossSpikeRollsBackToTheStateBeforeTheLastGoodUpdateAndHalvesTheLearningRate() {
        MultiLayerNetwork net = mlp(new Adam(0.01));
        DriverStep driver = new DriverStep(Network.of(net), SyncMode.EXACT, ClippingConfig.NONE, null, GuardConfig.DEFAULT);
        List<double[]> paramsBefore = new ArrayList<>();
        List<double[]> stateBefore = new ArrayList<>();
        for (long step = 0; step < 6; step++) {
            paramsBefore.add(net.params().toDoubleVector());
            stateBefore.add(net.getUpdater().getStateViewArray().toDoubleVector());
            driver.apply(aggregate(net, step, 0.1 * (step + 1), 1.0 + 0.01 * step));
        }
        int iterationsBeforeLastGood = net.getIterationCount() - 1;

        StepOutcome spike = driver.apply(aggregate(net, 6, 0.1, 50.0));

        assertEquals(StepOutcome.Intervention.ROLLED_BACK_SPIKE, spike.intervention());
        assertArrayEquals(paramsBefore.get(5), net.params().toDoubleVector());
        assertArrayEquals(stateBefore.get(5), net.getUpdater().getStateViewArray().toDoubleVector());
        assertEquals(iterationsBeforeLastGood, net.getIterationCount());
    }

    @Test
    void afterARollbackTheStepsAreScaledByTheBackoff() {
        MultiLayerNetwork guarded = mlp(new Sgd(0.1));
        MultiLayerNetwork plain = mlp(new Sgd(0.1));
        DriverStep withGuard = new DriverStep(Network.of(guarded), SyncMode.EXACT, ClippingConfig.NONE, null, GuardConfig.DEFAULT);
        DriverStep without = new DriverStep(Network.of(plain), SyncMode.EXACT, ClippingConfig.NONE, null, GuardConfig.OFF);
        for (long step = 0; step < 6; step++) {
            withGuard.apply(aggregate(guarded, step, 0.1, 1.0));
            without.apply(aggregate(plain, step, 0.1, 1.0));
        }
        withGuard.apply(aggregate(guarded, 6, 0.1, 50.0));
        double[] before = guarded.params().toDoubleVector();
        withGuard.apply(aggregate(guarded, 7, 0.1, 1.0));
        double[] after = guarded.params().toDoubleVector();
        // SGD: w -= backoff * lr * mean gradient, the mean being the sum 0.1 over 4 examples (index 0: a dense weight)
        assertEquals(before[0] - 0.5 * 0.1 * (0.1 / 4), after[0], 1e-15);
    }

    @Test
    void tooManyConsecutiveBadStepsStopTrainingWithAClearMessage() {
        MultiLayerNetwork net = mlp(new Adam(0.01));
        DriverStep driver = new DriverStep(Network.of(net), SyncMode.EXACT, ClippingConfig.NONE, null,
                new GuardConfig(10, 20, 0.5, 3));
        driver.apply(aggregate(net, 0, Double.NaN, 1.0));
        driver.apply(aggregate(net, 1, Double.NaN, 1.0));
        TrainingDivergedException stop = assertThrows(TrainingDivergedException.class,
                () -> driver.apply(aggregate(net, 2, Double.NaN, 1.0)));
        assertTrue(stop.getMessage().contains("after 3 consecutive bad steps"), stop.getMessage());
    }

    /** Dense regression without normalization: a learning rate that is too high really diverges here. */
    private static MultiLayerNetwork regression(double learningRate) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(2).dataType(DataType.DOUBLE).updater(new Sgd(learningRate)).list()
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(5))
                .build());
        net.init();
        return net;
    }

    private static long trainAndCountInterventions(MultiLayerNetwork net, List<DataSet> batches) {
        long interventions = 0;
        try (InProcessTrainer trainer = new InProcessTrainer(net, 2, SyncMode.EXACT, ClippingConfig.NONE, null,
                new GuardConfig(3, 20, 0.5, 0))) {
            for (DataSet batch : batches) {
                if (trainer.step(batch).skipped()) {
                    interventions++;
                }
            }
        }
        for (double value : net.params().toDoubleVector()) {
            assertTrue(Double.isFinite(value), "parameters stay finite");
        }
        return interventions;
    }

    @Test
    void aLearningRateFarTooHighEndsWithFiniteParametersAndCountedInterventions() {
        MultiLayerNetwork net = regression(2.0);
        long interventions = trainAndCountInterventions(net, RandomBatches.of(4, 40, DataType.DOUBLE, new long[] {16, 5}, 3));
        assertTrue(interventions > 0, "the guard intervened");
    }

    @Test
    void batchesWithExtremeValuesAreRolledBackAndTrainingGoesOn() {
        MultiLayerNetwork net = regression(0.05);
        List<DataSet> batches = RandomBatches.of(5, 30, DataType.DOUBLE, new long[] {16, 5}, 3);
        batches.get(12).getFeatures().muli(1e6);
        batches.get(21).getFeatures().muli(1e6);
        long interventions = trainAndCountInterventions(net, batches);
        assertEquals(2, interventions);
    }
}
