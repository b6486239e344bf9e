package io.lockstep.spark.train;

import java.util.BitSet;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A worker's shard of arbitrary examples (any feature and label shapes, float or double), as cut from an
 * {@code RDD<DataSet>} by {@link DataSetSharding}: the counterpart of {@code LabeledImages} for data that is not
 * 8-bit images.
 */
public final class ExampleShard implements WorkerShard {
    private static final long serialVersionUID = 1L;

    private final ExampleColumn features;
    private final ExampleColumn labels;

    ExampleShard(ExampleColumn features, ExampleColumn labels) {
        if (features.count() != labels.count()) {
            throw new IllegalArgumentException(features.count() + " feature rows but " + labels.count() + " label rows");
        }
        this.features = features;
        this.labels = labels;
    }

    /**
     * Puts a shard of {@code size} examples together from the blocks sent to it; every position must be filled
     * exactly once (else the training RDD gave different data when it was computed twice).
     */
    static ExampleShard assemble(int rank, int size, DataSetSharding.Layout layout, Iterator<ExampleBlock> blocks) {
        ExampleColumn features = ExampleColumn.allocate(layout.featureShape(), layout.doubleFeatures(), size);
        ExampleColumn labels = ExampleColumn.allocate(layout.labelShape(), layout.doubleLabels(), size);
        BitSet filled = new BitSet(size);
        while (blocks.hasNext()) {
            ExampleBlock block = blocks.next();
            for (int i = 0; i < block.count(); i++) {
                int position = block.position(i);
                if (position >= size || filled.get(position)) {
                    throw new IllegalStateException("shard " + rank + ": example position " + position + " arrived "
                            + (position >= size ? "beyond the shard's " + size + " examples" : "twice")
                            + "; is the training RDD deterministic?");
                }
                filled.set(position);
                features.set(position, block.features(), i);
                labels.set(position, block.labels(), i);
            }
        }
        if (filled.cardinality() != size) {
            throw new IllegalStateException("shard " + rank + " received " + filled.cardinality() + " of its " + size
                    + " examples; is the training RDD deterministic?");
        }
        return new ExampleShard(features, labels);
    }

    @Override
    public int count() {
        return features.count();
    }

    @Override
    public DataSet batch(int[] indices, int epoch, DataType type) {
        return new DataSet(features.rows(indices, type), labels.rows(indices, type));
    }
}
