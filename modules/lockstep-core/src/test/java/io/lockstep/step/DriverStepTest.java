package io.lockstep.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.math.Moments;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.nn.SyncMode;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The driver's guard: a step whose gradient or loss is not finite never reaches the parameters. */
class DriverStepTest {
    private MultiLayerNetwork net;
    private Network network;

    @BeforeEach
    void network() {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.DOUBLE).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build())
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(3))
                .build());
        net.init();
        network = Network.of(net);
        // one finite step first, so that Adam's state is not all zeros
        new DriverStep(network, SyncMode.EXACT, ClippingConfig.NONE, null).apply(aggregate(0, 1.0, 0.7));
    }

    private StepAggregate aggregate(long step, double gradientValue, double loss) {
        INDArray gradient = Nd4j.valueArrayOf(new long[] {1, net.numParams()}, gradientValue, DataType.DOUBLE);
        Map<Integer, Moments> moments = Map.of(1, new Moments(8, new double[] {0, 1, 2, 3}, new double[] {7, 7, 7, 7}));
        return StepAggregate.of(List.of(new WorkerContribution(step, 0, 8, loss * 8, FlatVector.of(gradient), moments)));
    }

    @Test
    void aNanGradientLeavesParametersAndOptimizerStateBitForBitUnchangedAndIsCounted() {
        double[] params = net.params().toDoubleVector();
        double[] state = net.getUpdater().getStateViewArray().toDoubleVector();
        int iterations = net.getIterationCount();
        DriverStep step = new DriverStep(network, SyncMode.EXACT, ClippingConfig.globalNorm(1.0), null);

        StepOutcome outcome = step.apply(aggregate(1, Double.NaN, 0.7));

        assertTrue(outcome.skipped());
        assertArrayEquals(params, net.params().toDoubleVector());
        assertArrayEquals(state, net.getUpdater().getStateViewArray().toDoubleVector());
        assertEquals(iterations, net.getIterationCount());
    }

    @Test
    void anInfiniteLossIsSkippedToo() {
        double[] params = net.params().toDoubleVector();
        StepOutcome outcome = new DriverStep(network, SyncMode.EXACT, ClippingConfig.NONE, null)
                .apply(aggregate(1, 0.5, Double.POSITIVE_INFINITY));
        assertTrue(outcome.skipped());
        assertArrayEquals(params, net.params().toDoubleVector());
    }

    @Test
    void underTheFailPolicyANonFiniteStepStopsTraining() {
        DriverStep step = new DriverStep(network, SyncMode.EXACT,
                ClippingConfig.globalNorm(1.0).withNonFinite(ClippingConfig.NonFinitePolicy.FAIL), null);
        NonFiniteStepException error = assertThrows(NonFiniteStepException.class,
                () -> step.apply(aggregate(1, Double.POSITIVE_INFINITY, 0.7)));
        assertTrue(error.getMessage().contains("step 1"), error.getMessage());
    }

    @Test
    void aFiniteStepMovesTheParametersAndCountsAnIteration() {
        double[] params = net.params().toDoubleVector();
        int iterations = net.getIterationCount();
        StepOutcome outcome = new DriverStep(network, SyncMode.EXACT, ClippingConfig.NONE, null).apply(aggregate(1, 0.5, 0.7));
        assertTrue(!outcome.skipped());
        assertEquals(iterations + 1, net.getIterationCount());
        assertTrue(!java.util.Arrays.equals(params, net.params().toDoubleVector()));
    }

    @Test
    void diagnosticsGiveEachLayersGradientNormUpdateRatioAndBatchNormStatistics() {
        MultiLayerNetwork fresh = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        fresh.init();
        fresh.setIterationCount(0); // the clone carries the setup step's count, and Adam's bias correction with it
        double[] weights = fresh.paramTable().get("0_W").ravel().toDoubleVector();
        StepOutcome outcome = new DriverStep(Network.of(fresh), SyncMode.EXACT, ClippingConfig.NONE, step -> 0.1)
                .apply(aggregate(1, 0.5, 0.7));

        // every gradient element is 0.5 / 8 examples; layer 0 has a 3 x 4 weight (and a bias, not trained before BN)
        assertEquals(Math.sqrt(12 + 4) * 0.5 / 8, outcome.diagnostics().gradientNorms().get("0"), 1e-12);
        long trainable = io.lockstep.model.ParameterLayout.of(Network.of(fresh)).trainableSlots().stream()
                .mapToLong(io.lockstep.model.ParameterLayout.Slot::length).sum();
        assertEquals(Math.sqrt(trainable) * 0.5 / 8, outcome.gradNorm(), 1e-12, "the global norm over trainable slots");
        // Adam's first step moves every element by lr (m_hat / sqrt(v_hat) = 1, less epsilon's 1e-8 against the
        // uncorrected sqrt(v) = 0.002: 5e-6 relative); the bias starts at 0
        double weightNorm = Math.sqrt(java.util.Arrays.stream(weights).map(w -> w * w).sum());
        double expectedRatio = 0.1 * Math.sqrt(16) / weightNorm;
        assertEquals(expectedRatio, outcome.diagnostics().updateRatios().get("0"), expectedRatio * 1e-5);
        // the single worker's moments: channel means 0, 1, 2, 3 and M2 = 7 over 8 examples
        assertEquals(1.5, outcome.diagnostics().batchNormMeans().get("1"), 1e-12);
        assertEquals(7.0 / 8, outcome.diagnostics().batchNormVariances().get("1"), 1e-12);
    }

    @Test
    void aScheduleSetsTheLearningRateOfEachStep() {
        StepOutcome outcome = new DriverStep(network, SyncMode.EXACT, ClippingConfig.NONE, step -> 0.5 / (step + 1))
                .apply(aggregate(3, 0.5, 0.7));
        assertEquals(0.125, outcome.learningRate());
        assertEquals(0.125, net.getLearningRate(0), 0.0);
    }
}
