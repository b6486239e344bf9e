package io.lockstep.spark.train;

import io.lockstep.checkpoint.TrainingState;
import io.lockstep.data.Augmentation;
import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.model.Network;
import io.lockstep.spark.BroadcastPartitions;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;

/**
 * Synchronous data-parallel training on Spark, on a dataset of images: the images are split into W shards and
 * trained by {@link ShardTrainer}, the one training engine. The driver keeps the only authoritative copy of the
 * model (parameters, optimizer state, running statistics); W barrier tasks run one long segment each epoch and talk
 * to a coordinator on the driver's own RPC environment:
 * <pre>
 *   per epoch:  launch W barrier tasks; each joins at the driver's current step with its parameters
 *   per step:   each task: forward/backward on its share of the global batch (SyncBN all-reduces), send
 *               gradient sum + count + loss + BN moments
 *               driver:    aggregate in rank order, clip, DL4J updater step, reply the parameters to all
 * </pre>
 */
public final class SparkTrainer {
    private SparkTrainer() {
    }

    public static TrainingResult train(JavaSparkContext sc, Model model, LabeledImages train,
                                       ChannelNormalization normalization, TrainingOptions options,
                                       StepListener listener) {
        return train(sc, model, train, normalization, options, listener, null, null);
    }

    /**
     * Trains with checkpoints, optionally resuming.
     *
     * @param checkpoints where and how often to checkpoint, or null for none
     * @param resumeFrom  the state of the checkpoint the model was restored from, or null for a fresh start
     */
    public static TrainingResult train(JavaSparkContext sc, Model model, LabeledImages train,
                                       ChannelNormalization normalization, TrainingOptions options,
                                       StepListener listener, CheckpointPlan checkpoints, TrainingState resumeFrom) {
        return train(sc, model, train, normalization, null, options, listener, checkpoints, resumeFrom);
    }

    /**
     * Trains with a random augmentation of the training images, with checkpoints, optionally resuming.
     *
     * @param augmentation applied to every training batch, drawn by (seed, epoch, the example's index in its worker's
     *                     shard) so that reruns, retried stages and resumed runs see the same images; null for none
     */
    public static TrainingResult train(JavaSparkContext sc, Model model, LabeledImages train,
                                       ChannelNormalization normalization, Augmentation augmentation,
                                       TrainingOptions options, StepListener listener, CheckpointPlan checkpoints,
                                       TrainingState resumeFrom) {
        try (WorkerShards<ImageShard> shards = imageShards(sc, train, Network.of(model).featureShape(), normalization,
                augmentation, options)) {
            return ShardTrainer.train(sc, model, shards, options, listener, checkpoints, resumeFrom);
        }
    }

    /** The classes of this data path that Spark serializes with {@code spark.serializer} (for Kryo). */
    public static List<Class<?>> serializedClasses() {
        return List.of(ImageShard.class, ImageShard[].class, FeatureShape.class, Augmentation.class);
    }

    /** The images in W balanced shards after one seeded shuffle ({@link Sharding}), shipped once per executor. */
    private static WorkerShards<ImageShard> imageShards(JavaSparkContext sc, LabeledImages train, FeatureShape shape,
                                                        ChannelNormalization normalization,
                                                        Augmentation augmentation, TrainingOptions options) {
        List<LabeledImages> split = Sharding.split(train, options.workers(), options.seed());
        BroadcastPartitions<ImageShard> shards = new BroadcastPartitions<>(sc, split.stream()
                .map(images -> new ImageShard(images, shape, normalization, augmentation, options.seed()))
                .toArray(ImageShard[]::new));
        return new WorkerShards<>(shards.partitions(), split.stream().mapToInt(LabeledImages::count).toArray(),
                shards::close);
    }
}
