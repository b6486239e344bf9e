package io.lockstep.zoo;

import io.lockstep.nn.SyncBatchNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A multilayer perceptron with batch norm, for flat images (MNIST, Fashion-MNIST as {@code [n, 784]}):
 * <pre>
 *   dense(hidden1) - BN - ReLU - dense(hidden2) - BN - ReLU - dense(classes) - softmax
 * </pre>
 * with {@link SyncBatchNormalization} after each hidden layer (Ioffe &amp; Szegedy 2015: before the
 * nonlinearity). Hidden layers have no bias (the batch norm's beta takes its place) and He initialization; the
 * output layer has a bias and Xavier initialization, as in {@link LeNet5}. With the defaults (784 - 256 - 128 - 10)
 * it has 235,530 trainable parameters.
 */
public final class Mlp {

    /** Inputs unless given: a flattened 28x28 grey image. */
    public static final int DEFAULT_INPUTS = 28 * 28;
    /** Width of the first hidden layer unless given. */
    public static final int DEFAULT_HIDDEN1 = 256;
    /** Width of the second hidden layer unless given. */
    public static final int DEFAULT_HIDDEN2 = 128;

    private Mlp() {
    }

    /** {@value #DEFAULT_INPUTS} - {@value #DEFAULT_HIDDEN1} - {@value #DEFAULT_HIDDEN2} - classes. */
    public static MultiLayerConfiguration configuration(long seed, DataType dataType, IUpdater updater, int classes) {
        return configuration(seed, dataType, updater, DEFAULT_INPUTS, DEFAULT_HIDDEN1, DEFAULT_HIDDEN2, classes);
    }

    /**
     * @param inputs  features per example, at least 1
     * @param hidden1 width of the first hidden layer, at least 1
     * @param hidden2 width of the second hidden layer, at least 1
     * @param classes outputs of the softmax layer, at least 2
     */
    public static MultiLayerConfiguration configuration(long seed, DataType dataType, IUpdater updater, int inputs,
                                                        int hidden1, int hidden2, int classes) {
        requireAtLeast("inputs", inputs, 1);
        requireAtLeast("hidden1", hidden1, 1);
        requireAtLeast("hidden2", hidden2, 1);
        requireAtLeast("classes", classes, 2);
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .list()
                .layer(hidden(hidden1))
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(hidden(hidden2))
                .layer(new SyncBatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.feedForward(inputs))
                .build();
    }

    private static DenseLayer hidden(int width) {
        return new DenseLayer.Builder().nOut(width).hasBias(false).activation(Activation.IDENTITY).build();
    }

    private static void requireAtLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
        }
    }
}
