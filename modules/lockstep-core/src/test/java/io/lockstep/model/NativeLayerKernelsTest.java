package io.lockstep.model;

import static io.lockstep.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lockstep.testing.RandomBatches;
import io.lockstep.zoo.LeNet5;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class NativeLayerKernelsTest {

    private static Network leNet5(DataType dataType) {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(7, dataType, new Adam(1e-3), 10));
        net.init();
        return Network.of(net);
    }

    private static DataSet batch(DataType dataType) {
        return RandomBatches.of(11, 1, dataType, new long[] {16, 784}, 10).get(0);
    }

    @Test
    void putsConvolutionAndPoolingLayersOnNativeKernels() {
        Network network = leNet5(DataType.FLOAT).useNativeKernels();

        int convolutions = 0;
        int poolings = 0;
        for (Layer layer : network.layers()) {
            if (layer instanceof ConvolutionLayer) {
                assertInstanceOf(MKLDNNConvHelper.class, layer.getHelper());
                convolutions++;
            } else if (layer instanceof SubsamplingLayer) {
                assertInstanceOf(MKLDNNSubsamplingHelper.class, layer.getHelper());
                poolings++;
            } else {
                assertNull(layer.getHelper(), layer.toString());
            }
        }
        assertEquals(2, convolutions);
        assertEquals(2, poolings);
    }

    @Test
    void floatGradientsAgreeWithDl4jsOwnPath() {
        Network dl4j = leNet5(DataType.FLOAT);
        Network nativeKernels = leNet5(DataType.FLOAT).useNativeKernels();

        dl4j.computeGradient(batch(DataType.FLOAT));
        nativeKernels.computeGradient(batch(DataType.FLOAT));

        // Same computation, another summation order: float rounding apart, and not the same code path.
        assertClose(dl4j.flattenedGradients(), nativeKernels.flattenedGradients(), 1e-4, "gradient");
        assertEquals(dl4j.score(), nativeKernels.score(), 1e-5);
        assertFalse(Arrays.equals(dl4j.flattenedGradients().toFloatVector(),
                nativeKernels.flattenedGradients().toFloatVector()));
    }

    @Test
    void doubleGradientsAreDl4jsBitForBit() {
        Network dl4j = leNet5(DataType.DOUBLE);
        Network nativeKernels = leNet5(DataType.DOUBLE).useNativeKernels();

        dl4j.computeGradient(batch(DataType.DOUBLE));
        nativeKernels.computeGradient(batch(DataType.DOUBLE));

        // The helpers take float only and decline double: DL4J's own path runs.
        assertArrayEquals(dl4j.flattenedGradients().toDoubleVector(), nativeKernels.flattenedGradients().toDoubleVector());
    }

    @Test
    void leavesTheLayersAloneWhenNd4jDisallowsHelpers() {
        Nd4j.getEnvironment().allowHelpers(false);
        try {
            for (Layer layer : leNet5(DataType.FLOAT).useNativeKernels().layers()) {
                assertNull(layer.getHelper(), layer.toString());
            }
        } finally {
            Nd4j.getEnvironment().allowHelpers(true);
        }
    }
}
