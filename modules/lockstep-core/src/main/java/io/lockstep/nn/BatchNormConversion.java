package io.lockstep.nn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * Converts between DL4J's {@link BatchNormalization} configuration and {@link SyncBatchNormalization} through
 * DL4J's own JSON mapping, so that every setting (updater, name, decay, eps, constraints, ...) carries over,
 * including settings added in later DL4J versions.
 */
public final class BatchNormConversion {
    private static final String TYPE_PROPERTY = "@class";

    private BatchNormConversion() {
    }

    /** The synchronized twin of a DL4J batch-norm configuration; the running variance is stored as variance. */
    public static SyncBatchNormalization toSync(BatchNormalization dl4j) {
        ObjectNode tree = asTree(dl4j);
        tree.put(TYPE_PROPERTY, SyncBatchNormalization.class.getName());
        tree.put("useLogStd", false);
        return fromTree(tree, SyncBatchNormalization.class);
    }

    /** DL4J's own batch-norm configuration with the same settings (running variance stored as variance). */
    public static BatchNormalization toDl4j(SyncBatchNormalization sync) {
        ObjectNode tree = asTree(sync);
        tree.put(TYPE_PROPERTY, BatchNormalization.class.getName());
        tree.remove("unbiasedRunningVariance");
        return fromTree(tree, BatchNormalization.class);
    }

    private static ObjectNode asTree(BatchNormalization layer) {
        return NeuralNetConfiguration.mapper().valueToTree(layer);
    }

    private static <T extends BatchNormalization> T fromTree(ObjectNode tree, Class<T> type) {
        ObjectMapper mapper = NeuralNetConfiguration.mapper();
        try {
            return type.cast(mapper.treeToValue(tree, org.deeplearning4j.nn.conf.layers.Layer.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot convert batch-norm configuration: " + e.getOriginalMessage(), e);
        }
    }
}
