package io.lockstep.dl4j.spark;

import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.testing.Dl4jTwin;
import io.lockstep.zoo.LeNet5;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The networks of the tests, as a DL4J user writes them (DL4J's own BatchNormalization, its defaults). */
final class Dl4jNetworks {
    private Dl4jNetworks() {
    }

    /** Lockstep's LeNet-5-BN (SyncBN, DL4J's biased running variance, so both sides use the same convention). */
    static MultiLayerConfiguration lockstepLeNet(long seed) {
        MultiLayerConfiguration conf = LeNet5.configuration(seed, DataType.DOUBLE, new Adam(1e-2), 10);
        Dl4jTwin.useBiasedRunningVariance(conf);
        return conf;
    }

    /** The same LeNet-5-BN with DL4J's BatchNormalization as DL4J builds it by default: running std as log10(std). */
    static MultiLayerConfiguration dl4jLeNet(long seed) {
        MultiLayerConfiguration conf = Dl4jTwin.withDl4jBatchNorm(lockstepLeNet(seed));
        for (NeuralNetConfiguration layerConf : conf.getConfs()) {
            if (layerConf.getLayer() instanceof BatchNormalization bn) {
                bn.setUseLogStd(true);
            }
        }
        return conf;
    }

    /**
     * A small graph (dense - BN - ReLU - dense - BN - ReLU - softmax) with DL4J's BatchNormalization, log10(std).
     * The dense layers before batch norm have no bias: its gradient is zero up to rounding, which Adam would turn
     * into steps of full size in a direction set by rounding noise (beta takes the bias's place).
     */
    static ComputationGraphConfiguration dl4jGraph(long seed, int inputs, int classes) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(1e-2))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in")
                .addLayer("dense1", new DenseLayer.Builder().nIn(inputs).nOut(16).hasBias(false).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "dense1")
                .addLayer("relu1", new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU), "bn1")
                .addLayer("dense2", new DenseLayer.Builder().nOut(12).hasBias(false).activation(Activation.IDENTITY).build(), "relu1")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "dense2")
                .addLayer("relu2", new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU), "bn2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "relu2")
                .setOutputs("out")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(inputs))
                .build();
    }

    /** A small MLP (dense - BN - ReLU - softmax) with DL4J's BatchNormalization, log10(std). */
    static MultiLayerConfiguration dl4jMlp(long seed, int inputs, int classes) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(1e-2))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(16).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .build();
    }

    /**
     * Sets {@code target}'s parameters from {@code source}'s, key by key, the running variance converted between
     * DL4J's log10(std) and SyncBN's variance where the two store it differently (written out here, independently
     * of the code under test).
     */
    static void copyParameters(Model source, Model target) {
        String logStd = "_" + BatchNormalizationParamInitializer.GLOBAL_LOG_STD;
        String var = "_" + BatchNormalizationParamInitializer.GLOBAL_VAR;
        Map<String, INDArray> to = target.paramTable();
        for (Map.Entry<String, INDArray> entry : source.paramTable().entrySet()) {
            String key = entry.getKey();
            if (to.containsKey(key)) {
                to.get(key).assign(entry.getValue());
            } else if (key.endsWith(var)) {
                INDArray variance = entry.getValue();
                to.get(key.replace(var, logStd)).assign(org.nd4j.linalg.ops.transforms.Transforms.log(variance, 10.0)
                        .muli(0.5));
            } else {
                INDArray log10Std = entry.getValue();
                to.get(key.replace(logStd, var)).assign(org.nd4j.linalg.ops.transforms.Transforms.pow(
                        log10Std.dup().assign(10.0), log10Std.mul(2.0), false));
            }
        }
    }

    /** Whether a configuration still has no SyncBN layer (the user's model code is unchanged). */
    static boolean usesOnlyDl4jBatchNorm(MultiLayerConfiguration conf) {
        return conf.getConfs().stream().noneMatch(c -> c.getLayer() instanceof SyncBatchNormalization);
    }
}
