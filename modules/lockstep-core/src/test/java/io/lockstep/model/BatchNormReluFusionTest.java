package io.lockstep.model;

import static io.lockstep.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.testing.RandomBatches;
import io.lockstep.zoo.LeNet5;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BatchNormReluFusionTest {

    private static Network leNet5(DataType dataType) {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(7, dataType, new Adam(1e-3), 10));
        net.init();
        return Network.of(net);
    }

    @Test
    void everyReluAfterSyncBatchNormRunsInsideIt() {
        int fused = 0;
        for (Layer layer : leNet5(DataType.DOUBLE).useNativeTrainingKernels().layers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.ActivationLayer) {
                assertInstanceOf(ActivationIdentity.class, activation(layer));
                fused++;
            }
        }
        assertEquals(4, fused);
        for (Layer layer : leNet5(DataType.DOUBLE).useNativeKernels().layers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.ActivationLayer) {
                assertEquals(new ActivationReLU(), activation(layer), "useNativeKernels fuses nothing");
            }
        }
    }

    /** The same arithmetic: in double, the fused layers give the separate layers' loss and gradients bit for bit. */
    @Test
    void fusedReluGivesTheSameGradientsBitForBit() {
        Network separate = leNet5(DataType.DOUBLE);
        Network fused = leNet5(DataType.DOUBLE).useNativeTrainingKernels();
        DataSet batch = RandomBatches.of(3, 1, DataType.DOUBLE, new long[] {24, 784}, 10).get(0);

        separate.computeGradient(batch);
        fused.computeGradient(batch);

        assertEquals(separate.score(), fused.score());
        assertArrayEquals(separate.flattenedGradients().toDoubleVector(), fused.flattenedGradients().toDoubleVector());
        assertArrayEquals(separate.output(batch.getFeatures()).ravel().toDoubleVector(),
                fused.output(batch.getFeatures()).ravel().toDoubleVector());
    }

    /** In float the passes compute in float, the separate ReLU on the rounded output: float rounding apart. */
    @Test
    void fusedReluAgreesInFloat() {
        Network separate = leNet5(DataType.FLOAT);
        Network fused = leNet5(DataType.FLOAT).useNativeTrainingKernels();
        DataSet batch = RandomBatches.of(3, 1, DataType.FLOAT, new long[] {24, 784}, 10).get(0);

        separate.computeGradient(batch);
        fused.computeGradient(batch);

        assertEquals(separate.score(), fused.score(), 1e-5);
        assertClose(separate.flattenedGradients(), fused.flattenedGradients(), 1e-4, "gradient");
    }

    @Test
    void leavesReluWithACapAlone() {
        ActivationReLU relu6 = new ActivationReLU(6.0, null, null);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.IDENTITY).build())
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new ActivationLayer(relu6))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(5))
                .build());
        net.init();

        Network.of(net).useNativeTrainingKernels();

        assertEquals(relu6, activation(net.getLayer(2)));
    }

    private static IActivation activation(Layer layer) {
        return ((ActivationLayer) layer.conf().getLayer()).getActivationFn();
    }
}
