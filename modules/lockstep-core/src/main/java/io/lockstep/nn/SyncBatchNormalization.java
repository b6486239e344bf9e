package io.lockstep.nn;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a batch-norm layer whose statistics can be synchronized across data-parallel workers.
 *
 * <p>It is DL4J's {@link BatchNormalization} configuration (same parameters in the same order: gamma, beta,
 * running mean, running variance; same JSON fields; same NoOp updater and no regularization for the running
 * statistics) with its own layer implementation, {@link SyncBatchNormLayer}. Differences:
 * <ul>
 *   <li>the running variance is always stored as variance, never as log10(std);</li>
 *   <li>by default the running variance is updated with the unbiased batch variance M2 / (N - 1) over the
 *       global count N (PyTorch's convention); {@code unbiasedRunningVariance(false)} keeps DL4J's biased one;</li>
 *   <li>gamma and beta are always learned ({@code lockGammaBeta} is not supported).</li>
 * </ul>
 */
public class SyncBatchNormalization extends BatchNormalization {

    private boolean unbiasedRunningVariance = true;

    /** For JSON deserialization; use {@link Builder}. */
    public SyncBatchNormalization() {
    }

    /** Always false: SyncBN stores the running variance itself. */
    @Override
    public boolean isUseLogStd() {
        return false;
    }

    /**
     * Has no effect: the running variance is always stored as variance. (DL4J's JSON deserializers call this with
     * a value guessed from the parameter names of an initialized network, true for a configuration that has not
     * been initialized yet.)
     */
    @Override
    public void setUseLogStd(boolean useLogStd) {
        // the representation is fixed; see the javadoc
    }

    public boolean isUnbiasedRunningVariance() {
        return unbiasedRunningVariance;
    }

    public void setUnbiasedRunningVariance(boolean unbiasedRunningVariance) {
        this.unbiasedRunningVariance = unbiasedRunningVariance;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        if (getNOut() <= 0) {
            throw new IllegalStateException("SyncBatchNormalization '" + getLayerName() + "' (layer " + layerIndex
                    + "): number of channels (nOut) is not set");
        }
        if (isLockGammaBeta()) {
            throw new IllegalStateException("SyncBatchNormalization '" + getLayerName()
                    + "' does not support lockGammaBeta: gamma and beta are always learned");
        }
        SyncBatchNormLayer layer = new SyncBatchNormLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public SyncBatchNormalization clone() {
        return (SyncBatchNormalization) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof SyncBatchNormalization other
                && unbiasedRunningVariance == other.unbiasedRunningVariance;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), unbiasedRunningVariance);
    }

    @Override
    public String toString() {
        return "SyncBatchNormalization(" + super.toString() + ", unbiasedRunningVariance=" + unbiasedRunningVariance + ")";
    }

    /**
     * DL4J's batch-norm builder (decay, eps, nOut, name, updater, ...), building a {@link SyncBatchNormalization}:
     * {@code new SyncBatchNormalization.Builder().nOut(16).decay(0.9).build()}.
     */
    public static class Builder extends BatchNormalization.Builder {
        private boolean unbiasedRunningVariance = true;

        public Builder unbiasedRunningVariance(boolean unbiased) {
            this.unbiasedRunningVariance = unbiased;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public SyncBatchNormalization build() {
            SyncBatchNormalization layer = BatchNormConversion.toSync(super.build());
            layer.setUnbiasedRunningVariance(unbiasedRunningVariance);
            return layer;
        }
    }
}
