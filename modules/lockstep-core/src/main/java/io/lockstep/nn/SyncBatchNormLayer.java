package io.lockstep.nn;

import io.lockstep.math.Moments;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.factory.Nd4j;

import static org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.BETA;
import static org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GAMMA;
import static org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_MEAN;
import static org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_VAR;

/**
 * Batch normalization (Ioffe and Szegedy 2015) whose batch statistics can span data-parallel workers.
 *
 * <p>For dense {@code [N, C]} and convolutional {@code [N, C, H, W]} (or NHWC) input, statistics are per channel
 * over all other dimensions. Training forward, in three phases:
 * <ol>
 *   <li><b>local moments</b>: count n, mean and M2 of this replica's input, in double, computed around a shift
 *       (the first-pass mean) so that float32 input with a large mean loses no precision;</li>
 *   <li><b>statistics to use</b>: the attached {@link BatchNormSync} returns the global moments (exact mode) or
 *       the local ones; with no sync attached this is plain batch norm;</li>
 *   <li><b>normalize</b>: x_hat = (x - mean) / sqrt(var + eps) with the biased variance, y = gamma * x_hat + beta.</li>
 * </ol>
 * Backward, with N the count the forward pass normalized with (global in exact mode):
 * <pre>
 *   dx = gamma / sqrt(var + eps) * (dy - sum(dy) / N - x_hat * sum(dy * x_hat) / N)
 * </pre>
 * where both sums are all-reduced over the workers in exact mode. The gamma and beta gradients are this
 * replica's own sum(dy * x_hat) and sum(dy): ordinary gradients, summed over workers with all the others.
 *
 * <p>Running statistics use DL4J's own mechanism, so that the layer also trains correctly under plain DL4J
 * {@code fit()}: the "gradient" of the running mean is (1 - decay) * (running - batch mean), applied by a NoOp
 * updater and never divided by the minibatch size. Under Lockstep the driver replaces these entries with the
 * values from the exactly merged moments of all workers.
 */
public final class SyncBatchNormLayer extends BaseLayer<SyncBatchNormalization> {

    private transient BatchNormSync sync;

    // Forward-pass state that the backward pass of the same step needs.
    private INDArray xHat;
    private double[] inverseStd;
    private Moments normalizedWith;

    public SyncBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Attaches the runtime that synchronizes this layer's statistics; null detaches (plain batch norm). */
    public void attach(BatchNormSync sync) {
        this.sync = sync;
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void fit(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("batch norm has no unsupervised fit");
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = input.castTo(dataType);
        ChannelLayout layout = ChannelLayout.of(x, layerConf().getCnn2DFormat(), layerConf().getNOut(), layerId());
        return training ? normalizeForTraining(x, layout, workspaceMgr) : normalizeForInference(x, layout, workspaceMgr);
    }

    private INDArray normalizeForTraining(INDArray x, ChannelLayout layout, LayerWorkspaceMgr workspaceMgr) {
        // Phase 1, local moments around the shift s = first-pass mean: with d = x - s (exact in float when x
        // and s are within a factor of 2, Sterbenz), mean = s + sum(d) / n and M2 = sum(d^2) - sum(d)^2 / n.
        INDArray shift = x.mean(layout.reduceDims);
        INDArray centered;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            centered = Nd4j.createUninitialized(dataType, x.shape(), x.ordering());
        }
        exec(new BroadcastSubOp(x, shift, centered, layout.channelDim));
        double[] shiftValues = shift.toDoubleVector();
        double[] sumD = centered.sum(layout.reduceDims).toDoubleVector();
        double[] sumD2 = Nd4j.getExecutioner().exec(new SquaredNorm(centered, layout.reduceDims)).toDoubleVector();
        long n = x.length() / layout.channels;
        double[] mean = new double[layout.channels];
        double[] m2 = new double[layout.channels];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = shiftValues[c] + sumD[c] / n;
            m2[c] = Math.max(sumD2[c] - sumD[c] * sumD[c] / n, 0.0);
        }
        Moments local = new Moments(n, mean, m2);

        // Phase 2, the statistics to normalize with.
        normalizedWith = sync == null ? local : sync.forward(getIndex(), local);

        // Phase 3, normalize: x - mean = d - (mean - s), so the large shift never meets the small residual in
        // float; x_hat = d * invStd - (mean - s) * invStd, in place in d.
        double[] variance = normalizedWith.biasedVariance();
        inverseStd = new double[layout.channels];
        double[] offset = new double[layout.channels];
        for (int c = 0; c < inverseStd.length; c++) {
            inverseStd[c] = 1.0 / Math.sqrt(variance[c] + layerConf().getEps());
            offset[c] = -(normalizedWith.mean(c) - shiftValues[c]) * inverseStd[c];
        }
        exec(new BroadcastMulOp(centered, vector(inverseStd), centered, layout.channelDim));
        exec(new BroadcastAddOp(centered, vector(offset), centered, layout.channelDim));
        xHat = centered;

        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), x.ordering());
        exec(new BroadcastMulOp(xHat, channelParam(GAMMA), out, layout.channelDim));
        exec(new BroadcastAddOp(out, channelParam(BETA), out, layout.channelDim));
        return out;
    }

    private INDArray normalizeForInference(INDArray x, ChannelLayout layout, LayerWorkspaceMgr workspaceMgr) {
        // y = x * scale + bias with scale = gamma / sqrt(running var + eps), bias = beta - running mean * scale.
        double[] gamma = channelParam(GAMMA).toDoubleVector();
        double[] beta = channelParam(BETA).toDoubleVector();
        double[] runningMean = channelParam(GLOBAL_MEAN).toDoubleVector();
        double[] runningVar = channelParam(GLOBAL_VAR).toDoubleVector();
        double[] scale = new double[layout.channels];
        double[] bias = new double[layout.channels];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = gamma[c] / Math.sqrt(runningVar[c] + layerConf().getEps());
            bias[c] = beta[c] - runningMean[c] * scale[c];
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), x.ordering());
        exec(new BroadcastMulOp(x, vector(scale), out, layout.channelDim));
        exec(new BroadcastAddOp(out, vector(bias), out, layout.channelDim));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (xHat == null) {
            throw new IllegalStateException(layerId() + ": backward pass without a training forward pass");
        }
        INDArray dy = epsilon.castTo(dataType);
        ChannelLayout layout = ChannelLayout.of(dy, layerConf().getCnn2DFormat(), layerConf().getNOut(), layerId());
        int channels = layout.channels;

        // Local sums, packed # C, C -> 2C = [sum(dy)..., sum(dy * x_hat)...]; all-reduced in exact mode.
        double[] localSums = new double[2 * channels];
        System.arraycopy(dy.sum(layout.reduceDims).toDoubleVector(), 0, localSums, 0, channels);
        System.arraycopy(dy.mul(xHat).sum(layout.reduceDims).toDoubleVector(), 0, localSums, channels, channels);
        double[] sums = sync == null ? localSums : sync.backward(getIndex(), localSums);

        // dx = a * dy + b * x_hat + c, per channel: a = gamma * invStd, b = -a * sum(dy * x_hat) / N,
        // c = -a * sum(dy) / N, with N the count the forward pass normalized with.
        double[] gamma = channelParam(GAMMA).toDoubleVector();
        double count = normalizedWith.count();
        double[] a = new double[channels];
        double[] b = new double[channels];
        double[] c = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            a[ch] = gamma[ch] * inverseStd[ch];
            b[ch] = -a[ch] * sums[channels + ch] / count;
            c[ch] = -a[ch] * sums[ch] / count;
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, dy.shape(), dy.ordering());
        exec(new BroadcastMulOp(dy, vector(a), dx, layout.channelDim));
        exec(new BroadcastMulOp(xHat, vector(b), xHat, layout.channelDim));
        dx.addi(xHat);
        exec(new BroadcastAddOp(dx, vector(c), dx, layout.channelDim));
        xHat = null;

        Gradient gradient = new DefaultGradient();
        setGradient(gradient, GAMMA, java.util.Arrays.copyOfRange(localSums, channels, 2 * channels));
        setGradient(gradient, BETA, java.util.Arrays.copyOfRange(localSums, 0, channels));
        setGradient(gradient, GLOBAL_MEAN, RunningStatistics.meanDelta(this, normalizedWith));
        setGradient(gradient, GLOBAL_VAR, RunningStatistics.varianceDelta(this, normalizedWith));
        return new Pair<>(gradient, dx);
    }

    /** Channel count, decay and variance convention, for {@link RunningStatistics}. */
    SyncBatchNormalization configuration() {
        return layerConf();
    }

    /** A per-channel parameter as a rank-1 view of length C. */
    INDArray channelParam(String key) {
        INDArray param = getParam(key);
        return param.reshape(param.length());
    }

    private void setGradient(Gradient gradient, String key, double[] values) {
        INDArray view = gradientViews.get(key);
        view.assign(Nd4j.createFromArray(values).castTo(view.dataType()).reshape(view.shape()));
        gradient.setGradientFor(key, view);
    }

    private INDArray vector(double[] values) {
        return Nd4j.createFromArray(values).castTo(dataType);
    }

    private static void exec(org.nd4j.linalg.api.ops.BroadcastOp op) {
        Nd4j.getExecutioner().exec(op);
    }

    /** Which dimension holds the channels and which ones the statistics reduce over. */
    private static final class ChannelLayout {
        final int channelDim;
        final int[] reduceDims;
        final int channels;

        private ChannelLayout(int channelDim, int[] reduceDims, int channels) {
            this.channelDim = channelDim;
            this.reduceDims = reduceDims;
            this.channels = channels;
        }

        static ChannelLayout of(INDArray x, CNN2DFormat format, long expectedChannels, String layerId) {
            ChannelLayout layout;
            if (x.rank() == 2) {
                layout = new ChannelLayout(1, new int[] {0}, (int) x.size(1));
            } else if (x.rank() == 4 && format == CNN2DFormat.NHWC) {
                layout = new ChannelLayout(3, new int[] {0, 1, 2}, (int) x.size(3));
            } else if (x.rank() == 4) {
                layout = new ChannelLayout(1, new int[] {0, 2, 3}, (int) x.size(1));
            } else {
                throw new IllegalStateException(layerId + ": batch norm takes [N, C] or 4-d convolutional input, got rank "
                        + x.rank());
            }
            if (layout.channels != expectedChannels) {
                throw new IllegalStateException(layerId + ": expected " + expectedChannels + " channels, input has "
                        + layout.channels);
            }
            if (x.size(0) == 0) {
                throw new IllegalStateException(layerId + ": empty minibatch");
            }
            return layout;
        }
    }
}
