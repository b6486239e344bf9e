package io.lockstep.spark.train;

import java.io.Serializable;

/**
 * Some examples of one worker's shard, on their way to it (the record of the shuffle that shards an
 * {@code RDD<DataSet>}): their values and the position each takes in the shard.
 */
public final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] positions;
    private final ExampleColumn features;
    private final ExampleColumn labels;

    ExampleBlock(int[] positions, ExampleColumn features, ExampleColumn labels) {
        this.positions = positions;
        this.features = features;
        this.labels = labels;
    }

    int count() {
        return positions.length;
    }

    /** Where example {@code i} of this block goes in the shard. */
    int position(int i) {
        return positions[i];
    }

    ExampleColumn features() {
        return features;
    }

    ExampleColumn labels() {
        return labels;
    }
}
