package io.lockstep.model;

import static io.lockstep.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.testing.RandomBatches;
import io.lockstep.zoo.LeNet5;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

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
                assertEquals(MKLDNNConvHelper.class, layer.getHelper().getClass());
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
    void trainingKernelsSkipOnlyTheFirstLayersInputGradient() {
        Layer[] layers = leNet5(DataType.FLOAT).useNativeTrainingKernels().layers();

        assertEquals(InputConvolutionKernels.class, layers[0].getHelper().getClass());
        assertEquals(MKLDNNConvHelper.class, layers[4].getHelper().getClass());
    }

    @Test
    void floatGradientsAgreeWithDl4jsOwnPath() {
        for (Network nativeKernels : List.of(leNet5(DataType.FLOAT).useNativeKernels(),
                leNet5(DataType.FLOAT).useNativeTrainingKernels())) {
            Network dl4j = leNet5(DataType.FLOAT);

            dl4j.computeGradient(batch(DataType.FLOAT));
            nativeKernels.computeGradient(batch(DataType.FLOAT));

            // Same computation, another summation order: float rounding apart, and not the same code path.
            assertClose(dl4j.flattenedGradients(), nativeKernels.flattenedGradients(), 1e-4, "gradient");
            assertClose(segment(dl4j, "0_W"), segment(nativeKernels, "0_W"), 1e-4, "first layer's gradient");
            assertEquals(dl4j.score(), nativeKernels.score(), 1e-5);
            assertFalse(Arrays.equals(dl4j.flattenedGradients().toFloatVector(),
                    nativeKernels.flattenedGradients().toFloatVector()));
        }
    }

    /**
     * Backprop takes a convolution's pre-activation from its forward pass instead of convolving again, and with a
     * ReLU (whose derivative reads it) the gradients are still DL4J's own.
     */
    @Test
    void trainingConvolutionsConvolveOncePerStep() throws ReflectiveOperationException {
        Network dl4j = twoReluConvolutions();
        Network network = twoReluConvolutions();
        ForwardCounter counter = new ForwardCounter();
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        helper.set(network.layers()[1], counter);
        network.useNativeTrainingKernels();
        DataSet batch = RandomBatches.of(3, 1, DataType.FLOAT, new long[] {8, 1, 8, 8}, 3).get(0);

        dl4j.computeGradient(batch);
        network.computeGradient(batch);

        assertEquals(1, counter.forwardPasses);
        assertClose(dl4j.flattenedGradients(), network.flattenedGradients(), 1e-4, "gradient");
    }

    private static Network twoReluConvolutions() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build());
        net.init();
        return Network.of(net);
    }

    /** oneDNN's convolution helper, counting its forward passes. */
    private static final class ForwardCounter extends MKLDNNConvHelper {
        int forwardPasses;

        ForwardCounter() {
            super(DataType.FLOAT);
        }

        @Override
        public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides,
                                  int[] pad, org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
                                  org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo fwdAlgo,
                                  ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                  LayerWorkspaceMgr workspaceMgr) {
            forwardPasses++;
            return super.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode,
                    dilation, format, workspaceMgr);
        }
    }

    /** The weight and bias gradients as a convolution, against oneDNN's conv2d_bp: bias, Same mode, 2 channels. */
    @Test
    void inputKernelsComputeOneDnnsWeightAndBiasGradients() {
        Pair<Gradient, INDArray> expected = backprop(new MKLDNNConvHelper(DataType.FLOAT), 1);
        Pair<Gradient, INDArray> actual = backprop(new InputConvolutionKernels(DataType.FLOAT), 1);

        for (String key : List.of("W", "b")) {
            INDArray expectedGradient = expected.getFirst().getGradientFor(key);
            assertClose(expectedGradient, actual.getFirst().getGradientFor(key), 1e-5, key);
            assertTrue(expectedGradient.norm2Number().doubleValue() > 0, key + " is all zeros");
        }
        assertArrayEquals(expected.getSecond().shape(), actual.getSecond().shape());
    }

    /** A strided convolution is not its weight gradient's convolution: oneDNN's backprop runs, input gradient and all. */
    @Test
    void inputKernelsLeaveStridedConvolutionsToOneDnn() {
        Pair<Gradient, INDArray> expected = backprop(new MKLDNNConvHelper(DataType.FLOAT), 2);
        Pair<Gradient, INDArray> actual = backprop(new InputConvolutionKernels(DataType.FLOAT), 2);

        assertEquals(expected.getFirst().getGradientFor("W"), actual.getFirst().getGradientFor("W"));
        assertEquals(expected.getSecond(), actual.getSecond());
    }

    /** One backprop of a 3x3 convolution, 2 -> 4 channels on 6 images of 9x9, in Same mode. */
    private static Pair<Gradient, INDArray> backprop(MKLDNNConvHelper helper, int stride) {
        Nd4j.getRandom().setSeed(5);
        INDArray input = Nd4j.randn(DataType.FLOAT, 6, 2, 9, 9);
        INDArray weights = Nd4j.randn(DataType.FLOAT, 4, 2, 3, 3);
        INDArray bias = Nd4j.randn(DataType.FLOAT, 1, 4);
        int outSize = (9 + stride - 1) / stride;
        INDArray delta = Nd4j.randn(DataType.FLOAT, 6, 4, outSize, outSize);
        return helper.backpropGradient(input, weights, bias, delta, new int[] {3, 3}, new int[] {stride, stride},
                new int[] {1, 1}, Nd4j.zeros(DataType.FLOAT, 1, 4), Nd4j.zeros(DataType.FLOAT, 4, 2, 3, 3),
                new ActivationIdentity(), null, null, null, ConvolutionMode.Same, new int[] {1, 1}, CNN2DFormat.NCHW,
                LayerWorkspaceMgr.noWorkspaces());
    }

    /** A parameter's gradient in the flat gradient vector, which has the parameters' layout. */
    private static INDArray segment(Network network, String key) {
        long offset = 0;
        for (var entry : network.paramTable().entrySet()) {
            long length = entry.getValue().length();
            if (entry.getKey().equals(key)) {
                return network.flattenedGradients().get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + length));
            }
            offset += length;
        }
        throw new IllegalArgumentException(key);
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
