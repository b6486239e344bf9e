package io.lockstep.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.model.Network;
import io.lockstep.model.ParameterLayout;
import io.lockstep.model.ParameterLayout.Slot;
import io.lockstep.nn.SyncBatchNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Clipping against direct computations over a network with conv, dense, bias, BN and running-statistic slots. */
class GradientClipperTest {
    private Network network;
    private ParameterLayout layout;
    private INDArray gradient;

    @BeforeEach
    void randomGradient() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build())
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 2))
                .build());
        net.init();
        network = Network.of(net);
        layout = ParameterLayout.of(network);
        Nd4j.getRandom().setSeed(99);
        gradient = Nd4j.randn(DataType.DOUBLE, 1, layout.totalLength());
    }

    private double directTrainableNorm(INDArray g) {
        double sum = 0;
        for (Slot slot : layout.trainableSlots()) {
            for (long i = slot.offset(); i < slot.end(); i++) {
                sum += g.getDouble(0, i) * g.getDouble(0, i);
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void globalNormIsTheL2NormOfAllTrainableGradientsAsOneVector() {
        GradientClipper clipper = new GradientClipper(ClippingConfig.NONE, layout);
        assertEquals(directTrainableNorm(gradient), clipper.globalNorm(gradient), 1e-12);
    }

    @Test
    void aboveTheThresholdEveryTrainableGradientScalesByMaxNormOverNormPlusEpsilon() {
        double norm = directTrainableNorm(gradient);
        double maxNorm = norm / 3;
        INDArray before = gradient.dup();
        GradientClipper.Report report = new GradientClipper(ClippingConfig.globalNorm(maxNorm), layout)
                .clip(gradient, network.params());
        double expectedCoefficient = maxNorm / (norm + 1e-6);
        assertEquals(expectedCoefficient, report.coefficient(), 1e-15);
        assertEquals(norm, report.normBeforeClipping(), 1e-12);
        for (Slot slot : layout.trainableSlots()) {
            assertEquals(before.getDouble(0, slot.offset()) * expectedCoefficient, gradient.getDouble(0, slot.offset()), 1e-15);
        }
        assertEquals(maxNorm, directTrainableNorm(gradient), maxNorm * 1e-6);
    }

    @Test
    void runningStatisticsAreNeverClipped() {
        INDArray before = gradient.dup();
        new GradientClipper(new ClippingConfig(0.01, 0.001, 0.01, ClippingConfig.NonFinitePolicy.SKIP), layout)
                .clip(gradient, network.params());
        assertFalse(layout.runningStatisticSlots().isEmpty());
        for (Slot slot : layout.runningStatisticSlots()) {
            for (long i = slot.offset(); i < slot.end(); i++) {
                assertEquals(before.getDouble(0, i), gradient.getDouble(0, i));
            }
        }
    }

    @Test
    void belowTheThresholdNothingChanges() {
        INDArray before = gradient.dup();
        GradientClipper.Report report = new GradientClipper(ClippingConfig.globalNorm(directTrainableNorm(gradient) * 2), layout)
                .clip(gradient, network.params());
        assertEquals(1.0, report.coefficient());
        assertFalse(report.clipped());
        assertArrayEquals(before.toDoubleVector(), gradient.toDoubleVector());
    }

    @Test
    void clipByValueBoundsEveryTrainableElement() {
        new GradientClipper(new ClippingConfig(0, 0.5, 0, ClippingConfig.NonFinitePolicy.SKIP), layout)
                .clip(gradient, network.params());
        for (Slot slot : layout.trainableSlots()) {
            for (long i = slot.offset(); i < slot.end(); i++) {
                assertTrue(Math.abs(gradient.getDouble(0, i)) <= 0.5);
            }
        }
    }

    @Test
    void adaptiveClippingLimitsEachUnitsGradientToParameterNormRatio() {
        double lambda = 0.05;
        INDArray params = network.params();
        INDArray before = gradient.dup();
        new GradientClipper(new ClippingConfig(0, 0, lambda, ClippingConfig.NonFinitePolicy.SKIP), layout)
                .clip(gradient, params);
        Slot dense = layout.slots().stream().filter(s -> s.key().equals("2_W")).findFirst().orElseThrow();
        INDArray w = network.paramTable().get("2_W");
        INDArray gBefore = GradientClipper.view(before, dense).reshape(dense.ordering(), dense.shape());
        INDArray gAfter = GradientClipper.view(gradient, dense).reshape(dense.ordering(), dense.shape());
        for (int unit = 0; unit < w.size(1); unit++) {
            double wNorm = Math.max(w.getColumn(unit).norm2Number().doubleValue(), 1e-3);
            double gNorm = gBefore.getColumn(unit).norm2Number().doubleValue();
            double expectedScale = Math.min(1.0, lambda * wNorm / gNorm);
            for (int row = 0; row < w.size(0); row++) {
                assertEquals(gBefore.getDouble(row, unit) * expectedScale, gAfter.getDouble(row, unit), 1e-12);
            }
        }
        Slot conv = layout.slots().stream().filter(s -> s.key().equals("0_W")).findFirst().orElseThrow();
        INDArray convW = network.paramTable().get("0_W");
        INDArray convAfter = GradientClipper.view(gradient, conv).reshape(conv.ordering(), conv.shape());
        for (int channel = 0; channel < convW.size(0); channel++) {
            double ratio = convAfter.slice(channel).norm2Number().doubleValue()
                    / Math.max(convW.slice(channel).norm2Number().doubleValue(), 1e-3);
            assertTrue(ratio <= lambda * (1 + 1e-9), "conv output channel " + channel + " ratio " + ratio);
        }
    }

    @Test
    void aNonFiniteGradientIsReportedWithoutClipping() {
        gradient.putScalar(0, 3, Double.NaN);
        GradientClipper.Report report = new GradientClipper(ClippingConfig.globalNorm(1.0), layout)
                .clip(gradient, network.params());
        assertFalse(report.finite());
    }
}
