package io.lockstep.spark.train;

import io.lockstep.data.Augmentation;
import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A worker's shard of uint8 images: batches are cut from the compact pixels, augmented (if the run augments), and
 * scaled and normalized only when a step needs them.
 */
final class ImageShard implements WorkerShard {
    private static final long serialVersionUID = 1L;

    private final LabeledImages images;
    private final FeatureShape featureShape;
    private final ChannelNormalization normalization;
    private final Augmentation augmentation;
    private final long seed;

    /**
     * @param augmentation the training augmentation, or null for none
     * @param seed         the run's seed, which with the epoch and the example's shard index keys its augmentation
     */
    ImageShard(LabeledImages images, FeatureShape featureShape, ChannelNormalization normalization,
               Augmentation augmentation, long seed) {
        this.images = images;
        this.featureShape = featureShape;
        this.normalization = normalization;
        this.augmentation = augmentation;
        this.seed = seed;
    }

    @Override
    public int count() {
        return images.count();
    }

    @Override
    public DataSet batch(int[] indices, int epoch, DataType type) {
        if (augmentation == null) {
            return images.toDataSet(indices, featureShape, type, normalization);
        }
        LabeledImages augmented = augmentation.apply(images, indices, seed, epoch);
        return augmented.toDataSet(IntStream.range(0, indices.length).toArray(), featureShape, type, normalization);
    }
}
