package io.lockstep.model;

import io.lockstep.nn.SyncBatchNormLayer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where each parameter sits in a network's flat parameter vector, and what kind it is: a trainable parameter
 * (gradient averaged over the global batch, clipped, updated by the optimizer) or a SyncBN running statistic
 * (state that the driver sets from the merged batch moments; never clipped, never optimized).
 */
public final class ParameterLayout {

    /** One parameter array: its DL4J key, owning layer, shape, memory order and position in the flat vector. */
    public record Slot(String key, Layer layer, String paramName, long[] shape, char ordering, long offset,
                       long length, boolean runningStatistic) {
        public long end() {
            return offset + length;
        }
    }

    private final List<Slot> slots;
    private final long totalLength;

    private ParameterLayout(List<Slot> slots, long totalLength) {
        this.slots = List.copyOf(slots);
        this.totalLength = totalLength;
    }

    /**
     * Reads the layout of a network. Refuses DL4J's own BatchNormalization: its running statistics ride on the
     * gradient and would be summed over workers; use {@link io.lockstep.nn.SyncBatchNormalization}.
     */
    public static ParameterLayout of(Network network) {
        INDArray flat = network.params();
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, INDArray> entry : network.paramTable().entrySet()) {
            String key = entry.getKey();
            int separator = key.lastIndexOf('_');
            String layerKey = key.substring(0, separator);
            String paramName = key.substring(separator + 1);
            Layer layer = network.layerOf(layerKey);
            if (layer instanceof BatchNormalization) {
                throw new IllegalArgumentException("layer '" + layerKey + "' is DL4J's BatchNormalization; data-parallel "
                        + "training needs io.lockstep.nn.SyncBatchNormalization (same parameters and settings)");
            }
            INDArray view = entry.getValue();
            boolean runningStatistic = layer instanceof SyncBatchNormLayer
                    && (paramName.equals(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                    || paramName.equals(BatchNormalizationParamInitializer.GLOBAL_VAR));
            slots.add(new Slot(key, layer, paramName, view.shape(), view.ordering(), view.offset() - flat.offset(),
                    view.length(),
                    runningStatistic));
        }
        slots.sort(Comparator.comparingLong(Slot::offset));
        return new ParameterLayout(slots, flat.length());
    }

    public List<Slot> slots() {
        return slots;
    }

    public List<Slot> trainableSlots() {
        return slots.stream().filter(s -> !s.runningStatistic()).toList();
    }

    public List<Slot> runningStatisticSlots() {
        return slots.stream().filter(Slot::runningStatistic).toList();
    }

    public long totalLength() {
        return totalLength;
    }
}
