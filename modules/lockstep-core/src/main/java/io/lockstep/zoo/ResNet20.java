package io.lockstep.zoo;

import io.lockstep.nn.SyncBatchNormalization;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ResNet-20 for 32x32 colour images (CIFAR-10), as in He et al., "Deep Residual Learning for Image Recognition",
 * CVPR 2016, section 4.2 (n = 3, depth 6n + 2 = 20), with {@link SyncBatchNormalization} after every convolution:
 * <pre>
 *   input [N, 3, 32, 32]
 *   stem      conv3x3(16) - BN - ReLU                               -&gt; [N, 16, 32, 32]
 *   stage 1   3 basic blocks, 16 filters                            -&gt; [N, 16, 32, 32]
 *   stage 2   3 basic blocks, 32 filters, the first with stride 2   -&gt; [N, 32, 16, 16]
 *   stage 3   3 basic blocks, 64 filters, the first with stride 2   -&gt; [N, 64,  8,  8]
 *   global average pooling - dense(classes) - softmax               -&gt; [N, classes]
 *
 *   basic block: x -&gt; conv3x3(stride s) - BN - ReLU - conv3x3 - BN -&gt; (+ shortcut(x)) -&gt; ReLU
 * </pre>
 * Convolutions have no bias (the batch norm's beta takes its place) and He initialization ({@link WeightInit#RELU},
 * He et al. 2015, as the paper uses); 3x3 convolutions pad by 1.
 *
 * <p>Shortcuts are identities except where a block halves the resolution and doubles the channels. There,
 * {@link Shortcut#ZERO_PADDING} (the default) is the paper's option A, used for all its CIFAR networks: the input
 * subsampled with stride 2 (a 1x1 max pooling, which keeps the pixels at even coordinates) and padded with as many
 * all-zero channels, appended after the existing ones (some PyTorch ports split them before and after: the same
 * network up to a permutation of channels); no parameters. {@link Shortcut#PROJECTION} is option B: a
 * 1x1 stride-2 convolution followed by SyncBN (as in torchvision's ResNets).
 *
 * <p>Trainable parameters with 10 classes (SyncBN running means and variances not counted): <b>269,722</b> with
 * zero-padding shortcuts, the paper's "0.27M" (19 convolutions 267,696, 19 SyncBN gamma/beta 1,376, dense 650);
 * <b>272,474</b> with projection shortcuts (two 1x1 convolutions, 2,560 weights, and their SyncBN, 192). The
 * running statistics add 1,376 (option A) or 1,568 (option B) more entries to the parameter vector.
 */
public final class ResNet20 {

    /** How a block that changes the shape (stride 2, twice the channels) carries its input to the sum. */
    public enum Shortcut {
        /** Option A of He et al. 2016: stride-2 subsampling plus zero channels; parameter-free. */
        ZERO_PADDING,
        /** Option B of He et al. 2016: 1x1 stride-2 convolution, then SyncBN. */
        PROJECTION
    }

    /** The shortcut of the paper's CIFAR networks. */
    public static final Shortcut DEFAULT_SHORTCUT = Shortcut.ZERO_PADDING;

    /** Filters of the three stages (He et al. 2016, section 4.2: {16, 32, 64}). */
    private static final int[] STAGE_WIDTHS = {16, 32, 64};
    /** Basic blocks per stage, n = 3 for ResNet-20. */
    private static final int BLOCKS_PER_STAGE = 3;
    private static final int IMAGE_SIZE = 32;
    private static final int IMAGE_CHANNELS = 3;

    private ResNet20() {
    }

    /** ResNet-20 with the paper's zero-padding shortcuts ({@link #DEFAULT_SHORTCUT}). */
    public static ComputationGraphConfiguration configuration(long seed, DataType dataType, IUpdater updater,
                                                              int classes) {
        return configuration(seed, dataType, updater, classes, DEFAULT_SHORTCUT);
    }

    /**
     * @param classes  outputs of the softmax layer, at least 2
     * @param shortcut how the two downsampling blocks carry their input
     */
    public static ComputationGraphConfiguration configuration(long seed, DataType dataType, IUpdater updater,
                                                              int classes, Shortcut shortcut) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        if (shortcut == null) {
            throw new IllegalArgumentException("shortcut must be ZERO_PADDING or PROJECTION, got null");
        }
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS));

        String x = convBnRelu(graph, "stem", "input", STAGE_WIDTHS[0]);
        for (int stage = 0; stage < STAGE_WIDTHS.length; stage++) {
            for (int block = 0; block < BLOCKS_PER_STAGE; block++) {
                boolean downsample = stage > 0 && block == 0;
                x = basicBlock(graph, "s" + (stage + 1) + "b" + (block + 1), x, STAGE_WIDTHS[stage], downsample,
                        shortcut);
            }
        }
        return graph
                .addLayer("pool", new GlobalPoolingLayer(PoolingType.AVG), x)
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool")
                .setOutputs("output")
                .build();
    }

    /** conv3x3 - BN - ReLU; returns the name of the ReLU. */
    private static String convBnRelu(GraphBuilder graph, String name, String input, int filters) {
        graph.addLayer(name + "_conv", conv3x3(filters, 1), input)
                .addLayer(name + "_bn", batchNorm(), name + "_conv")
                .addLayer(name + "_relu", new ActivationLayer(Activation.RELU), name + "_bn");
        return name + "_relu";
    }

    /**
     * conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the shortcut, then ReLU (He et al. 2016, fig. 2); returns
     * the name of the final ReLU.
     */
    private static String basicBlock(GraphBuilder graph, String name, String input, int filters, boolean downsample,
                                     Shortcut shortcut) {
        int stride = downsample ? 2 : 1;
        graph.addLayer(name + "_conv1", conv3x3(filters, stride), input)
                .addLayer(name + "_bn1", batchNorm(), name + "_conv1")
                .addLayer(name + "_relu1", new ActivationLayer(Activation.RELU), name + "_bn1")
                .addLayer(name + "_conv2", conv3x3(filters, 1), name + "_relu1")
                .addLayer(name + "_bn2", batchNorm(), name + "_conv2");
        String identity = downsample ? downsamplingShortcut(graph, name, input, filters, shortcut) : input;
        graph.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_bn2", identity)
                .addLayer(name + "_relu", new ActivationLayer(Activation.RELU), name + "_add");
        return name + "_relu";
    }

    /** [N, filters / 2, H, W] -&gt; [N, filters, H / 2, W / 2]; returns the name of the shortcut's output. */
    private static String downsamplingShortcut(GraphBuilder graph, String name, String input, int filters,
                                               Shortcut shortcut) {
        if (shortcut == Shortcut.PROJECTION) {
            graph.addLayer(name + "_proj", new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(filters)
                            .hasBias(false).activation(Activation.IDENTITY).build(), input)
                    .addLayer(name + "_proj_bn", batchNorm(), name + "_proj");
            return name + "_proj_bn";
        }
        // option A: keep every second pixel, [N, C, H, W] -> [N, C, H/2, W/2]; then append C zero channels
        // (0 * the subsampled input), -> [N, 2C, H/2, W/2]
        graph.addLayer(name + "_sub", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(1, 1).stride(2, 2).build(), input)
                .addVertex(name + "_zeros", new ScaleVertex(0.0), name + "_sub")
                .addVertex(name + "_pad", new MergeVertex(), name + "_sub", name + "_zeros");
        return name + "_pad";
    }

    private static ConvolutionLayer conv3x3(int filters, int stride) {
        return new ConvolutionLayer.Builder(3, 3).stride(stride, stride).padding(1, 1).nOut(filters).hasBias(false)
                .activation(Activation.IDENTITY).build();
    }

    private static SyncBatchNormalization batchNorm() {
        return new SyncBatchNormalization.Builder().build();
    }
}
