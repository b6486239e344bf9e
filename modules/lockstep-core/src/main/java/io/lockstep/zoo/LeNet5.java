package io.lockstep.zoo;

import io.lockstep.nn.SyncBatchNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LeNet-5 (LeCun et al. 1998) with batch norm after every convolution and hidden dense layer, for 28x28
 * grey images (MNIST, Fashion-MNIST): conv5x5(6, same) - BN - ReLU - maxpool2 - conv5x5(16) - BN - ReLU -
 * maxpool2 - dense(120) - BN - ReLU - dense(84) - BN - ReLU - softmax(10). 61,706 trainable parameters.
 * Convolutions and dense layers have no bias: the batch norm's beta takes its place.
 */
public final class LeNet5 {
    private LeNet5() {
    }

    public static MultiLayerConfiguration configuration(long seed, DataType dataType, IUpdater updater, int classes) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).padding(2, 2).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new DenseLayer.Builder().nOut(84).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    private static SyncBatchNormalization batchNorm() {
        return new SyncBatchNormalization.Builder().build();
    }
}
