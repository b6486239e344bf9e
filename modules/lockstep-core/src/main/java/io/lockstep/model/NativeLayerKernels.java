package io.lockstep.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Puts DL4J's 2-d convolution and pooling layers on libnd4j's native {@code conv2d} and pooling ops, which run
 * oneDNN's kernels in ND4J's oneDNN build, instead of DL4J's Java path (im2col into a permuted 6-d array, a
 * matrix multiply, and strided copies).
 *
 * <p>DL4J 1.0.0-M2 has these layer helpers ({@link MKLDNNConvHelper}, {@link MKLDNNSubsamplingHelper}) but never
 * installs them: {@code HelperUtils.createHelper} returns none unless the system property
 * {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false}, and even then
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} asks {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()}, a
 * class and method that M2 renamed ({@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment.isUseONEDNN()}),
 * so the answer is always no. This class sets them on the layers itself.
 *
 * <p>The helpers take float only; for any other type they decline and the layer runs its own Java path, so
 * double-precision networks compute exactly what DL4J computes. ND4J's {@code Environment.allowHelpers(false)}
 * turns this off.
 */
final class NativeLayerKernels {
    private static final Field CONVOLUTION_HELPER = helperField(ConvolutionLayer.class);
    private static final Field POOLING_HELPER = helperField(SubsamplingLayer.class);

    private NativeLayerKernels() {
    }

    /**
     * Installs the helpers on the plain 2-d convolution and pooling layers among {@code layers} that have none;
     * {@code inputLayer}, when not null, gets {@link InputConvolutionKernels}, which skip its input gradient.
     */
    static void install(Layer[] layers, Layer inputLayer, DataType dataType) {
        if (!Nd4j.getEnvironment().helpersAllowed() || !Nd4j.getEnvironment().isCPU()) {
            return;
        }
        for (Layer layer : layers) {
            // Exact classes: the subclasses (1-d, depthwise, separable, deconvolution) compute something else.
            if (layer.getClass() == ConvolutionLayer.class) {
                setIfAbsent(CONVOLUTION_HELPER, layer, layer == inputLayer
                        ? new InputConvolutionKernels(dataType) : new MKLDNNConvHelper(dataType));
            } else if (layer.getClass() == SubsamplingLayer.class) {
                setIfAbsent(POOLING_HELPER, layer, new MKLDNNSubsamplingHelper(dataType));
            }
        }
    }

    /**
     * Has every float 2-d convolution layer with a helper keep its pre-activation from the forward pass for
     * backprop (DL4J's {@link CacheMode}): without it, {@code ConvolutionLayer.backpropGradient} runs the forward
     * convolution a second time, only to take the activation's derivative at its output (for LeNet-5, a ninth of a
     * worker's step). The copy is one pass over the layer's output. Only the helper path reads it back (the Java
     * path would cache its im2col matrix as well), so double networks are left as they are. The network must
     * then open DL4J's feed-forward cache ({@code Network.keepForwardCaches}).
     *
     * @return whether any layer keeps its pre-activation
     */
    static boolean keepPreActivationsForBackprop(Layer[] layers, DataType dataType) {
        if (dataType != DataType.FLOAT) {
            return false;
        }
        boolean any = false;
        for (Layer layer : layers) {
            if (layer.getClass() == ConvolutionLayer.class && layer.getHelper() != null) {
                layer.setCacheMode(CacheMode.DEVICE);
                any = true;
            }
        }
        return any;
    }

    private static void setIfAbsent(Field field, Layer layer, Object helper) {
        if (layer.getHelper() != null) {
            return;
        }
        try {
            field.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set " + field + " on " + layer.getClass().getName(), e);
        }
    }

    private static Field helperField(Class<?> layerClass) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(layerClass.getName() + " has no helper field: not DL4J 1.0.0-M2?", e);
        }
    }
}
