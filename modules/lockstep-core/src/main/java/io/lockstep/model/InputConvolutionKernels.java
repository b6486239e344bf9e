package io.lockstep.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN convolution helper for the first layer of a network that trains: its backprop computes the weight
 * and bias gradients only, not the gradient at the network's input, which {@code computeGradientAndScore} drops.
 *
 * <p>libnd4j's {@code conv2d_bp} always computes the input gradient as well, and oneDNN 2.3 does it in a layout
 * that pads the input channels to 16: for LeNet-5's first layer (1 channel, 64 images) that one kernel took
 * 8.7 ms of a worker's 28 ms step. Here the weight gradient of a stride-1 convolution is computed as a convolution
 * itself: with input X [N,C,H,W], output gradient dZ [N,O,OH,OW] and padding p,
 * <pre>  dW[o,c,i,j] = sum over n,y,x of X[n,c,y+i-p,x+j-p] * dZ[n,o,y,x]</pre>
 * which is {@code conv2d} (a cross-correlation) of X seen as a batch of C images with N channels, [C,N,H,W],
 * with the kernel dZ seen as [O,N,OH,OW], padding p: its output [C,O,KH,KW] is dW with the first two axes
 * swapped. The bias gradient is dB[o] = sum over n,y,x of dZ[n,o,y,x].
 *
 * <p>The input gradient it returns is allocated but never written: it exists because a layer's input preprocessor
 * (a flat-to-CNN reshape) runs on it before DL4J discards it. So this helper belongs only on networks that
 * Lockstep trains with {@code computeGradientAndScore}, never on a user's model, whose
 * {@code calculateGradients} would return that array. Strided, dilated, NHWC or non-float convolutions take
 * {@link MKLDNNConvHelper}'s path unchanged.
 */
final class InputConvolutionKernels extends MKLDNNConvHelper {

    InputConvolutionKernels(DataType dataType) {
        super(dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn,
                                                     ConvolutionLayer.AlgoMode mode,
                                                     ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
                                                     ConvolutionLayer.BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        int[] padding = convolutionMode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(new int[] {(int) delta.size(2), (int) delta.size(3)},
                        new int[] {(int) input.size(2), (int) input.size(3)}, kernel, strides, dilation)
                : pad;
        if (!weightGradientIsAConvolution(input, weights, delta, kernel, strides, padding, dilation, format)) {
            return super.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                    weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format,
                    workspaceMgr);
        }
        INDArray swappedGradient = Nd4j.createUninitialized(DataType.FLOAT, weights.size(1), weights.size(0),
                kernel[0], kernel[1]);
        Nd4j.exec(DynamicCustomOp.builder("conv2d")
                .addInputs(input.permute(1, 0, 2, 3), delta.permute(1, 0, 2, 3))
                .addOutputs(swappedGradient)
                .addIntegerArguments((int) delta.size(2), (int) delta.size(3), 1, 1, padding[0], padding[1], 1, 1,
                        0 /* explicit padding */, 0 /* NCHW */, 1 /* weights [out, in, kH, kW] */)
                .build());
        weightGradView.assign(swappedGradient.permute(1, 0, 2, 3));

        Gradient gradient = new DefaultGradient();
        if (biasGradView != null) {
            biasGradView.assign(delta.sum(0, 2, 3).reshape(biasGradView.shape()));
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        INDArray inputGradientNotComputed = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD,
                input.dataType(), input.shape());
        return new Pair<>(gradient, inputGradientNotComputed);
    }

    /** Float NCHW, stride 1, no dilation, and a padding that gives back exactly the kernel's size. */
    private static boolean weightGradientIsAConvolution(INDArray input, INDArray weights, INDArray delta,
                                                        int[] kernel, int[] strides, int[] padding, int[] dilation,
                                                        CNN2DFormat format) {
        return input.dataType() == DataType.FLOAT && weights.dataType() == DataType.FLOAT
                && format == CNN2DFormat.NCHW
                && strides[0] == 1 && strides[1] == 1 && dilation[0] == 1 && dilation[1] == 1
                && input.size(2) + 2L * padding[0] - delta.size(2) + 1 == kernel[0]
                && input.size(3) + 2L * padding[1] - delta.size(3) + 1 == kernel[1];
    }
}
