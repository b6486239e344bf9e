package io.lockstep.spark.train;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A worker's shard of uint8 images: batches are cut from the compact pixels and scaled and normalized only when a
 * step needs them.
 */
final class ImageShard implements WorkerShard {
    private static final long serialVersionUID = 1L;

    private final LabeledImages images;
    private final FeatureShape featureShape;
    private final ChannelNormalization normalization;

    ImageShard(LabeledImages images, FeatureShape featureShape, ChannelNormalization normalization) {
        this.images = images;
        this.featureShape = featureShape;
        this.normalization = normalization;
    }

    @Override
    public int count() {
        return images.count();
    }

    @Override
    public DataSet batch(int[] indices, DataType type) {
        return images.toDataSet(indices, featureShape, type, normalization);
    }
}
