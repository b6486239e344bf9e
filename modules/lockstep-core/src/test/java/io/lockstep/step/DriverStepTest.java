package io.lockstep.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.math.Moments;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.nn.SyncMode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        assertTrue(!Arrays.equals(params, net.params().toDoubleVector()));
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
        double weightNorm = Math.sqrt(Arrays.stream(weights).map(w -> w * w).sum());
        double expectedRatio = 0.1 * Math.sqrt(16) / weightNorm;
        assertEquals(expectedRatio, outcome.diagnostics().updateRatios().get("0"), expectedRatio * 1e-5);
        assertEquals(List.of("1"), List.copyOf(outcome.diagnostics().batchNorm().keySet()), "the SyncBN layer");
    }

    @Test
    void batchNormDiagnosticsSummarizeTheGlobalBatchStatisticsOfAllWorkers() {
        // 4 channels; worker 0 sees 3 examples, worker 1 sees 5, with means and spreads that differ per channel
        double[][][] values = new double[2][][];
        Random random = new Random(3);
        for (int rank = 0; rank < 2; rank++) {
            values[rank] = new double[rank == 0 ? 3 : 5][4];
            for (double[] example : values[rank]) {
                for (int c = 0; c < 4; c++) {
                    example[c] = (c - 1.5) * (rank + 1) + random.nextGaussian() * (c + 0.5);
                }
            }
        }
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, 1, net.numParams());
        List<WorkerContribution> contributions = List.of(
                new WorkerContribution(1, 0, 3, 2.1, FlatVector.of(gradient), Map.of(1, momentsOf(values[0]))),
                new WorkerContribution(1, 1, 5, 3.5, FlatVector.of(gradient), Map.of(1, momentsOf(values[1]))));

        BatchNormSummary summary = new DriverStep(network, SyncMode.EXACT, ClippingConfig.NONE, null)
                .apply(StepAggregate.of(contributions)).diagnostics().batchNorm().get("1");

        // expected: per channel, the mean and biased variance over all 8 examples at once, in two plain passes
        double[] mean = new double[4];
        double[] variance = new double[4];
        for (int c = 0; c < 4; c++) {
            double sum = 0;
            for (double[][] worker : values) {
                for (double[] example : worker) {
                    sum += example[c];
                }
            }
            mean[c] = sum / 8;
            double squares = 0;
            for (double[][] worker : values) {
                for (double[] example : worker) {
                    squares += (example[c] - mean[c]) * (example[c] - mean[c]);
                }
            }
            variance[c] = squares / 8;
        }
        assertEquals(Arrays.stream(mean).map(Math::abs).average().orElseThrow(), summary.meanAbsMean(), 1e-12);
        assertEquals(Arrays.stream(variance).average().orElseThrow(), summary.meanVariance(), 1e-12);
        assertEquals(Arrays.stream(variance).min().orElseThrow(), summary.minVariance(), 1e-12);
        assertEquals(Arrays.stream(variance).max().orElseThrow(), summary.maxVariance(), 1e-12);
    }

    /** One worker's per-channel moments of {@code examples x channels} values. */
    private static Moments momentsOf(double[][] examples) {
        int channels = examples[0].length;
        double[] mean = new double[channels];
        double[] m2 = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (double[] example : examples) {
                mean[c] += example[c] / examples.length;
            }
            for (double[] example : examples) {
                m2[c] += (example[c] - mean[c]) * (example[c] - mean[c]);
            }
        }
        return new Moments(examples.length, mean, m2);
    }

    @Test
    void aScheduleSetsTheLearningRateOfEachStep() {
        StepOutcome outcome = new DriverStep(network, SyncMode.EXACT, ClippingConfig.NONE, step -> 0.5 / (step + 1))
                .apply(aggregate(3, 0.5, 0.7));
        assertEquals(0.125, outcome.learningRate());
        assertEquals(0.125, net.getLearningRate(0), 0.0);
    }
}
