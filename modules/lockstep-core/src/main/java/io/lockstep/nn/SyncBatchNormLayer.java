package io.lockstep.nn;

import io.lockstep.math.ArrayElements;
import io.lockstep.math.Moments;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    private boolean reluFused;

    // The passes over this layer's tensors, kept from step to step; between a training forward pass and its
    // backward pass they hold d = x - shift.
    private transient ChannelPasses passes;
    // Forward-pass state that the backward pass of the same step needs; normalizedWith is null outside a step.
    private double[] inverseStd;
    private double[] offset;
    private Moments normalizedWith;
    // y = d * scaleOfD + biasOfD per channel, for the backward pass of a fused ReLU.
    private double[] scaleOfD;
    private double[] biasOfD;

    public SyncBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Attaches the runtime that synchronizes this layer's statistics; null detaches (plain batch norm). */
    public void attach(BatchNormSync sync) {
        this.sync = sync;
    }

    /**
     * Makes this layer apply the ReLU that follows it, forward (max(0, y)) and backward: for a training replica
     * whose next layer, an {@code ActivationLayer} with plain ReLU, now passes its input through
     * ({@code io.lockstep.model.Network#useNativeTrainingKernels}). The same arithmetic in this layer's vectorized
     * passes instead of libnd4j's {@code relu_bp}, which calls a function object per element. Not part of the
     * configuration.
     */
    public void fuseFollowingRelu() {
        this.reluFused = true;
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
        INDArray x = ArrayElements.dense(input.castTo(dataType));
        ChannelPasses passes = passesFor(x);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        if (training) {
            normalizeForTraining(x, passes, out);
        } else {
            normalizeForInference(x, passes, out);
        }
        return out;
    }

    private void normalizeForTraining(INDArray x, ChannelPasses passes, INDArray out) {
        // Phase 1, local moments around the shift s = first-pass mean: with d = x - s (exact in float when x
        // and s are within a factor of 2, Sterbenz), mean = s + sum(d) / n and M2 = sum(d^2) - sum(d)^2 / n.
        ChannelPasses.Centering centering = passes.center(x);
        int channels = passes.channels;
        double[] shift = centering.shift();
        double[] sumsOfD = centering.sums();
        long n = x.length() / channels;
        double[] mean = new double[channels];
        double[] m2 = new double[channels];
        for (int c = 0; c < mean.length; c++) {
            double sumD = sumsOfD[c];
            mean[c] = shift[c] + sumD / n;
            m2[c] = Math.max(sumsOfD[channels + c] - sumD * sumD / n, 0.0);
        }
        Moments local = new Moments(n, mean, m2);

        // Phase 2, the statistics to normalize with.
        normalizedWith = sync == null ? local : sync.forward(getIndex(), local);

        // Phase 3, normalize: x - mean = d - (mean - s), so the large shift never meets the small residual in
        // float: x_hat = d * invStd + offset with offset = -(mean - s) * invStd, and y = gamma * x_hat + beta in
        // one pass. The backward pass recovers x_hat from d.
        double[] variance = normalizedWith.biasedVariance();
        double[] gamma = channelValues(GAMMA);
        double[] beta = channelValues(BETA);
        inverseStd = new double[channels];
        offset = new double[channels];
        scaleOfD = new double[channels];
        biasOfD = new double[channels];
        for (int c = 0; c < inverseStd.length; c++) {
            inverseStd[c] = 1.0 / Math.sqrt(variance[c] + layerConf().getEps());
            offset[c] = -(normalizedWith.mean(c) - shift[c]) * inverseStd[c];
            scaleOfD[c] = gamma[c] * inverseStd[c];
            biasOfD[c] = gamma[c] * offset[c] + beta[c];
        }
        passes.normalize(scaleOfD, biasOfD, reluFused, out);
    }

    private void normalizeForInference(INDArray x, ChannelPasses passes, INDArray out) {
        // y = x * scale + bias with scale = gamma / sqrt(running var + eps), bias = beta - running mean * scale.
        double[] gamma = channelValues(GAMMA);
        double[] beta = channelValues(BETA);
        double[] runningMean = channelValues(GLOBAL_MEAN);
        double[] runningVar = channelValues(GLOBAL_VAR);
        double[] scale = new double[passes.channels];
        double[] bias = new double[passes.channels];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = gamma[c] / Math.sqrt(runningVar[c] + layerConf().getEps());
            bias[c] = beta[c] - runningMean[c] * scale[c];
        }
        passes.scaleAndShift(x, scale, bias, reluFused, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (normalizedWith == null) {
            throw new IllegalStateException(layerId() + ": backward pass without a training forward pass");
        }
        INDArray dy = ArrayElements.dense(epsilon.castTo(dataType));
        if (!Arrays.equals(dy.shape(), input.shape())) {
            throw new IllegalStateException(layerId() + ": the gradient's shape " + Arrays.toString(dy.shape())
                    + " is not the input's " + Arrays.toString(input.shape()));
        }
        int channels = passes.channels;

        // Local sums, packed # C, C -> 2C = [sum(dy)..., sum(dy * x_hat)...]; all-reduced in exact mode. With a
        // fused ReLU, the gradient arrives at the ReLU's output and is first taken back to y = d * scale + bias.
        // sum(dy * x_hat) = invStd * sum(dy * d) + offset * sum(dy).
        double[] localSums = reluFused ? passes.gradientSums(dy, scaleOfD, biasOfD)
                : passes.gradientSums(dy, null, null);
        for (int ch = 0; ch < channels; ch++) {
            localSums[channels + ch] = inverseStd[ch] * localSums[channels + ch] + offset[ch] * localSums[ch];
        }
        double[] sums = sync == null ? localSums : sync.backward(getIndex(), localSums);

        // dx = a * dy + w * x_hat + k, per channel: a = gamma * invStd, w = -a * sum(dy * x_hat) / N,
        // k = -a * sum(dy) / N, with N the count the forward pass normalized with; with x_hat = d * invStd + offset,
        // dx = a * dy + (w * invStd) * d + (w * offset + k).
        double[] gamma = channelValues(GAMMA);
        double count = normalizedWith.count();
        double[] a = new double[channels];
        double[] dWeight = new double[channels];
        double[] constant = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            a[ch] = gamma[ch] * inverseStd[ch];
            double xHatWeight = -a[ch] * sums[channels + ch] / count;
            dWeight[ch] = xHatWeight * inverseStd[ch];
            constant[ch] = xHatWeight * offset[ch] - a[ch] * sums[ch] / count;
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, dy.shape(), 'c');
        passes.inputGradient(a, dWeight, constant, dx);

        Gradient gradient = new DefaultGradient();
        setGradient(gradient, GAMMA, Arrays.copyOfRange(localSums, channels, 2 * channels));
        setGradient(gradient, BETA, Arrays.copyOfRange(localSums, 0, channels));
        setGradient(gradient, GLOBAL_MEAN, RunningStatistics.meanDelta(this, normalizedWith));
        setGradient(gradient, GLOBAL_VAR, RunningStatistics.varianceDelta(this, normalizedWith));
        normalizedWith = null;
        return new Pair<>(gradient, dx);
    }

    /** Channel count, decay and variance convention, for {@link RunningStatistics}. */
    SyncBatchNormalization configuration() {
        return layerConf();
    }

    /** A per-channel parameter's C values, read straight from its view (no ND4J op: they are few). */
    double[] channelValues(String key) {
        return ArrayElements.of(getParam(key)).toDoubles();
    }

    private void setGradient(Gradient gradient, String key, double[] values) {
        INDArray view = gradientViews.get(key);
        ArrayElements.of(view).setAll(values);
        gradient.setGradientFor(key, view);
    }

    /** This layer's passes for x, kept while x's precision and channel layout stay the same. */
    private ChannelPasses passesFor(INDArray x) {
        int channels = channelsOf(x);
        if (channels != layerConf().getNOut()) {
            throw new IllegalStateException(layerId() + ": expected " + layerConf().getNOut() + " channels, input has "
                    + channels);
        }
        if (x.size(0) == 0) {
            throw new IllegalStateException(layerId() + ": empty minibatch");
        }
        int run = runOf(x);
        if (passes == null || !passes.fits(dataType, channels, run)) {
            passes = ChannelPasses.of(dataType, channels, run);
        }
        return passes;
    }

    /** The channel count of [N, C], NCHW or NHWC input. */
    private int channelsOf(INDArray x) {
        if (x.rank() == 2) {
            return (int) x.size(1);
        }
        if (x.rank() == 4) {
            return (int) x.size(layerConf().getCnn2DFormat() == CNN2DFormat.NHWC ? 3 : 1);
        }
        throw new IllegalStateException(layerId() + ": batch norm takes [N, C] or 4-d convolutional input, got rank "
                + x.rank());
    }

    /** How many consecutive elements of x belong to one channel: H * W for NCHW, 1 for [N, C] and NHWC. */
    private int runOf(INDArray x) {
        return x.rank() == 4 && layerConf().getCnn2DFormat() != CNN2DFormat.NHWC ? (int) (x.size(2) * x.size(3)) : 1;
    }
}
