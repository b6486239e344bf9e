package io.lockstep.model;

import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.nn.SyncBatchNormLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * A DL4J network, {@link MultiLayerNetwork} or {@link ComputationGraph}, seen through the few operations that
 * Lockstep needs, so that nothing else has to ask which of the two it holds.
 */
public abstract class Network {

    public static Network of(Model model) {
        if (model instanceof MultiLayerNetwork mln) {
            return new Multi(mln);
        }
        if (model instanceof ComputationGraph graph) {
            return new Graph(graph);
        }
        throw new IllegalArgumentException("unsupported DL4J model type " + model.getClass().getName()
                + " (expected MultiLayerNetwork or ComputationGraph)");
    }

    /** The DL4J model itself (for saving, evaluation and the user). */
    public abstract Model model();

    /** An independent copy with the same configuration and parameters (a worker's replica). */
    public abstract Network copy();

    /** The flat parameter vector; every layer's parameters are views of it. */
    public final INDArray params() {
        return model().params();
    }

    /**
     * The flat gradient vector that backprop fills and the updater reads; layers' gradients are views of it.
     * Created on first use (a driver's network never runs backprop itself).
     */
    public abstract INDArray flattenedGradients();

    /** Parameter views by DL4J key ({@code "0_W"} in a MultiLayerNetwork, {@code "conv1_W"} in a graph). */
    public final Map<String, INDArray> paramTable() {
        return model().paramTable();
    }

    /** The layer that owns the parameters of a key's prefix. */
    public abstract Layer layerOf(String layerKey);

    /** All layers, in the order DL4J runs them forward. */
    public abstract Layer[] layers();

    /** DL4J's updater for this network: its state is the optimizer state Lockstep checkpoints. */
    public abstract BaseMultiLayerUpdater<?> updater();

    public abstract int iterationCount();

    public abstract void setIterationCount(int iterations);

    public abstract int epochCount();

    public abstract void setEpochCount(int epochs);

    public abstract void setLearningRate(double learningRate);

    /** Forward and backward on one batch; the gradient (a sum over examples) lands in {@link #flattenedGradients()}. */
    public abstract void computeGradient(DataSet batch);

    /** Score of the last {@link #computeGradient}: mean loss plus the regularization penalty. */
    public final double score() {
        return model().score();
    }

    public abstract double regularizationScore();

    public abstract INDArray output(INDArray features);

    /** The feature layout the network takes: flat rows for dense input, [n, C, H, W] for convolutional input. */
    public abstract FeatureShape featureShape();

    /** Flat unless the first layer is convolutional without a flat-to-CNN preprocessor in front of it. */
    static FeatureShape shapeFor(Layer firstLayer, InputPreProcessor preProcessor) {
        boolean convolutional = firstLayer.conf().getLayer() instanceof ConvolutionLayer;
        boolean flatToCnn = preProcessor instanceof FeedForwardToCnnPreProcessor;
        return convolutional && !flatToCnn ? FeatureShape.NCHW : FeatureShape.FLAT;
    }

    /**
     * Lets the 2-d convolution and pooling layers run libnd4j's native kernels (oneDNN's, in ND4J's oneDNN build)
     * in float, as {@link NativeLayerKernels} explains; returns this network.
     */
    public final Network useNativeKernels() {
        NativeLayerKernels.install(layers(), null, params().dataType());
        return this;
    }

    /**
     * As {@link #useNativeKernels()}, and two changes for the replicas Lockstep trains itself, never for a user's
     * model: the layer that reads the network's input skips the input gradient that {@link #computeGradient}
     * drops ({@link InputConvolutionKernels}), and a plain ReLU layer right after a SyncBN layer runs inside it
     * ({@link BatchNormReluFusion}). The convolutions also keep their forward pass for backprop
     * ({@link NativeLayerKernels#keepPreActivationsForBackprop}). Returns this network.
     */
    public final Network useNativeTrainingKernels() {
        NativeLayerKernels.install(layers(), inputLayer(), params().dataType());
        if (NativeLayerKernels.keepPreActivationsForBackprop(layers(), params().dataType())) {
            keepForwardCaches();
        }
        fuseBatchNormRelu();
        return this;
    }

    /** The one layer that reads the network's input, whose input gradient DL4J drops; null when there is none. */
    abstract Layer inputLayer();

    /**
     * Opens DL4J's feed-forward cache workspace in training passes, where layers with a {@link CacheMode} keep
     * what backprop reuses: DL4J opens it only when the network's configuration names a cache mode.
     */
    abstract void keepForwardCaches();

    /** {@link BatchNormReluFusion} of every SyncBN layer whose output goes straight into a plain ReLU layer. */
    abstract void fuseBatchNormRelu();

    /** The SyncBN layers, in forward order. */
    public final List<SyncBatchNormLayer> syncBatchNormLayers() {
        List<SyncBatchNormLayer> found = new ArrayList<>();
        for (Layer layer : layers()) {
            if (layer instanceof SyncBatchNormLayer syncLayer) {
                found.add(syncLayer);
            }
        }
        return found;
    }

    private static final class Multi extends Network {
        private final MultiLayerNetwork net;

        Multi(MultiLayerNetwork net) {
            this.net = net;
        }

        @Override
        public Model model() {
            return net;
        }

        @Override
        public Network copy() {
            return new Multi(net.clone());
        }

        @Override
        public FeatureShape featureShape() {
            return shapeFor(net.getLayer(0), net.getLayerWiseConfigurations().getInputPreProcess(0));
        }

        @Override
        public INDArray flattenedGradients() {
            if (net.getFlattenedGradients() == null) {
                net.initGradientsView();
            }
            return net.getFlattenedGradients();
        }

        @Override
        public Layer layerOf(String layerKey) {
            return net.getLayer(Integer.parseInt(layerKey));
        }

        @Override
        public Layer[] layers() {
            return net.getLayers();
        }

        @Override
        Layer inputLayer() {
            return net.getLayer(0);
        }

        @Override
        void keepForwardCaches() {
            net.getLayerWiseConfigurations().setCacheMode(CacheMode.DEVICE);
        }

        @Override
        void fuseBatchNormRelu() {
            Layer[] layers = net.getLayers();
            for (int i = 0; i + 1 < layers.length; i++) {
                if (net.getLayerWiseConfigurations().getInputPreProcess(i + 1) == null) {
                    BatchNormReluFusion.fuseIfReluFollows(layers[i], layers[i + 1]);
                }
            }
        }

        @Override
        public BaseMultiLayerUpdater<?> updater() {
            return (BaseMultiLayerUpdater<?>) net.getUpdater(true);
        }

        @Override
        public int iterationCount() {
            return net.getIterationCount();
        }

        @Override
        public void setIterationCount(int iterations) {
            net.setIterationCount(iterations);
        }

        @Override
        public int epochCount() {
            return net.getEpochCount();
        }

        @Override
        public void setEpochCount(int epochs) {
            net.setEpochCount(epochs);
        }

        @Override
        public void setLearningRate(double learningRate) {
            net.setLearningRate(learningRate);
        }

        @Override
        public void computeGradient(DataSet batch) {
            net.setInput(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
        }

        @Override
        public double regularizationScore() {
            return net.calcRegularizationScore(true);
        }

        @Override
        public INDArray output(INDArray features) {
            return net.output(features, false);
        }
    }

    private static final class Graph extends Network {
        private final ComputationGraph graph;

        Graph(ComputationGraph graph) {
            this.graph = graph;
        }

        @Override
        public Model model() {
            return graph;
        }

        @Override
        public Network copy() {
            return new Graph(graph.clone());
        }

        /** As for a MultiLayerNetwork, judged by the first layer in topological order. */
        @Override
        public FeatureShape featureShape() {
            Layer first = graph.getLayers()[0];
            GraphVertex vertex = graph.getConfiguration().getVertices().get(first.conf().getLayer().getLayerName());
            InputPreProcessor preProcessor = vertex instanceof LayerVertex layerVertex ? layerVertex.getPreProcessor() : null;
            return shapeFor(first, preProcessor);
        }

        @Override
        public INDArray flattenedGradients() {
            if (graph.getFlattenedGradients() == null) {
                graph.initGradientsView();
            }
            return graph.getFlattenedGradients();
        }

        @Override
        public Layer layerOf(String layerKey) {
            return graph.getLayer(layerKey);
        }

        @Override
        public Layer[] layers() {
            return graph.getLayers();
        }

        /** None: a graph's input can feed several vertices, whose input gradients DL4J adds up. */
        @Override
        Layer inputLayer() {
            return null;
        }

        @Override
        void keepForwardCaches() {
            graph.getConfiguration().setCacheMode(CacheMode.DEVICE);
        }

        /** Not done for graphs, where a layer's output can feed several vertices. */
        @Override
        void fuseBatchNormRelu() {
        }

        @Override
        public BaseMultiLayerUpdater<?> updater() {
            return graph.getUpdater(true);
        }

        @Override
        public int iterationCount() {
            return graph.getIterationCount();
        }

        @Override
        public void setIterationCount(int iterations) {
            graph.getConfiguration().setIterationCount(iterations);
        }

        @Override
        public int epochCount() {
            return graph.getEpochCount();
        }

        @Override
        public void setEpochCount(int epochs) {
            graph.getConfiguration().setEpochCount(epochs);
        }

        @Override
        public void setLearningRate(double learningRate) {
            graph.setLearningRate(learningRate);
        }

        @Override
        public void computeGradient(DataSet batch) {
            graph.setInputs(batch.getFeatures());
            graph.setLabels(batch.getLabels());
            graph.computeGradientAndScore();
        }

        @Override
        public double regularizationScore() {
            return graph.calcRegularizationScore(true);
        }

        @Override
        public INDArray output(INDArray features) {
            return graph.outputSingle(false, features);
        }
    }
}
