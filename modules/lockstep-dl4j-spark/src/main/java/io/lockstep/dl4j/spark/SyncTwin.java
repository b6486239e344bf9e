package io.lockstep.dl4j.spark;

import io.lockstep.model.Network;
import io.lockstep.nn.BatchNormConversion;
import io.lockstep.nn.SyncBatchNormalization;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network Lockstep trains in place of a user's DL4J network: the same configuration with every DL4J
 * {@link BatchNormalization} replaced by {@link SyncBatchNormalization} (same settings, through
 * {@link BatchNormConversion}), and the same state: parameters, optimizer state, iteration and epoch counts.
 *
 * <p>The one representation that differs: DL4J's batch norm stores its running variance as log10(std) by default
 * ({@code useLogStd}, parameter {@code log10stdev}); SyncBN always stores the variance ({@code var}). Parameters
 * map key by key, the running variance as {@code var = (10^log10std)^2 = 10^(2 log10std)} and back as
 * {@code log10std = log10(var) / 2}.
 */
final class SyncTwin {
    private static final String LOG_STD = BatchNormalizationParamInitializer.GLOBAL_LOG_STD;
    private static final String VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;

    private SyncTwin() {
    }

    /**
     * The training twin of {@code user}, with its state.
     *
     * @param unbiasedRunningVariance the running-variance convention of the converted layers: false keeps DL4J's
     *                                (biased batch variance), true takes PyTorch's (unbiased); layers that are
     *                                SyncBatchNormalization already keep their own setting
     */
    static Model of(Model user, boolean unbiasedRunningVariance) {
        Model twin;
        if (user instanceof MultiLayerNetwork net) {
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
            for (NeuralNetConfiguration layerConf : conf.getConfs()) {
                toSync(layerConf, unbiasedRunningVariance);
            }
            MultiLayerNetwork twinNet = new MultiLayerNetwork(conf);
            twinNet.init();
            twin = twinNet;
        } else if (user instanceof ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration().clone();
            for (GraphVertex vertex : conf.getVertices().values()) {
                if (vertex instanceof LayerVertex layerVertex) {
                    toSync(layerVertex.getLayerConf(), unbiasedRunningVariance);
                }
            }
            ComputationGraph twinGraph = new ComputationGraph(conf);
            twinGraph.init();
            twin = twinGraph;
        } else {
            throw new IllegalArgumentException("unsupported DL4J model type " + user.getClass().getName());
        }
        copyState(user, twin, true);
        return twin;
    }

    /**
     * Copies the twin's trained state into the user's network, in the user's representation; the epoch count stays
     * (DL4J's SparkDl4jMultiLayer and SparkComputationGraph count the epoch after the training master returns).
     */
    static void copyBack(Model twin, Model user) {
        copyState(twin, user, false);
    }

    /** Whether the network has any DL4J batch-norm layer that training converts. */
    static boolean hasDl4jBatchNorm(Model model) {
        for (org.deeplearning4j.nn.api.Layer layer : Network.of(model).layers()) {
            if (isDl4jBatchNorm(layer.conf().getLayer())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDl4jBatchNorm(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer instanceof BatchNormalization && !(layer instanceof SyncBatchNormalization);
    }

    private static void toSync(NeuralNetConfiguration layerConf, boolean unbiasedRunningVariance) {
        if (isDl4jBatchNorm(layerConf.getLayer())) {
            BatchNormalization dl4j = (BatchNormalization) layerConf.getLayer();
            if (dl4j.isLockGammaBeta()) {
                throw new IllegalArgumentException("batch-norm layer '" + dl4j.getLayerName() + "' uses lockGammaBeta, "
                        + "which Lockstep's synchronized batch norm does not support (gamma and beta are always learned)");
            }
            SyncBatchNormalization sync = BatchNormConversion.toSync(dl4j);
            sync.setUnbiasedRunningVariance(unbiasedRunningVariance);
            layerConf.setLayer(sync);
        }
    }

    /** Parameters key by key (running variance converted where the representations differ), updater state, counts. */
    private static void copyState(Model from, Model to, boolean epochCount) {
        Map<String, INDArray> source = from.paramTable();
        Map<String, INDArray> target = to.paramTable();
        if (source.size() != target.size()) {
            throw new IllegalStateException(source.size() + " parameter arrays vs " + target.size());
        }
        for (Map.Entry<String, INDArray> entry : source.entrySet()) {
            String key = entry.getKey();
            INDArray value = entry.getValue();
            if (target.containsKey(key)) {
                target.get(key).assign(value);
            } else if (key.endsWith("_" + LOG_STD) && target.containsKey(swapSuffix(key, LOG_STD, VAR))) {
                setVarianceFromLog10Std(target.get(swapSuffix(key, LOG_STD, VAR)), value);
            } else if (key.endsWith("_" + VAR) && target.containsKey(swapSuffix(key, VAR, LOG_STD))) {
                setLog10StdFromVariance(target.get(swapSuffix(key, VAR, LOG_STD)), value);
            } else {
                throw new IllegalStateException("parameter " + key + " has no counterpart in " + target.keySet());
            }
        }
        Network fromNetwork = Network.of(from);
        Network toNetwork = Network.of(to);
        INDArray fromState = fromNetwork.updater().getStateViewArray();
        INDArray toState = toNetwork.updater().getStateViewArray();
        if (fromState != null || toState != null) {
            if (fromState == null || toState == null || fromState.length() != toState.length()) {
                throw new IllegalStateException("the optimizer states differ in layout: "
                        + (fromState == null ? 0 : fromState.length()) + " vs " + (toState == null ? 0 : toState.length())
                        + " values");
            }
            toState.assign(fromState);
        }
        toNetwork.setIterationCount(fromNetwork.iterationCount());
        if (epochCount) {
            toNetwork.setEpochCount(fromNetwork.epochCount());
        }
    }

    private static String swapSuffix(String key, String from, String to) {
        return key.substring(0, key.length() - from.length()) + to;
    }

    /** var = (10^log10std)^2, per channel, in double. */
    private static void setVarianceFromLog10Std(INDArray variance, INDArray log10Std) {
        double[] values = log10Std.ravel().toDoubleVector();
        for (int i = 0; i < values.length; i++) {
            double std = Math.pow(10, values[i]);
            values[i] = std * std;
        }
        variance.assign(org.nd4j.linalg.factory.Nd4j.create(values, variance.shape(), variance.dataType()));
    }

    /** log10std = log10(var) / 2, per channel, in double. */
    private static void setLog10StdFromVariance(INDArray log10Std, INDArray variance) {
        double[] values = variance.ravel().toDoubleVector();
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.5 * Math.log10(values[i]);
        }
        log10Std.assign(org.nd4j.linalg.factory.Nd4j.create(values, log10Std.shape(), log10Std.dataType()));
    }
}
