package io.lockstep.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lockstep.checkpoint.Checkpoint;
import io.lockstep.checkpoint.CheckpointStore;
import io.lockstep.data.Augmentation;
import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.spark.LocalSpark;
import io.lockstep.testing.RandomImages;
import io.lockstep.zoo.LeNet5;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/** Training batches go through the run's augmentation, drawn by (seed, epoch, index): reruns and resumes see the same. */
class AugmentedTrainingTest {
    private static final long SEED = 17;
    private static final int TOTAL_STEPS = 10;
    private static final Augmentation AUGMENTATION = Augmentation.of(4, 0.5);
    private static final ChannelNormalization NORMALIZATION =
            new ChannelNormalization(new double[] {0.5}, new double[] {0.25});

    @Test
    void aBatchIsTheAugmentationOfItsExamplesInItsEpoch() {
        LabeledImages images = RandomImages.of(64, 5);
        FeatureShape shape = FeatureShape.FLAT;
        ImageShard shard = new ImageShard(images, shape, NORMALIZATION, AUGMENTATION, SEED);
        int[] indices = {5, 0, 63, 5};
        int[] all = {0, 1, 2, 3};
        for (int epoch = 0; epoch < 2; epoch++) {
            float[] expected = AUGMENTATION.apply(images, indices, SEED, epoch)
                    .toDataSet(all, shape, DataType.FLOAT, NORMALIZATION).getFeatures().ravel().toFloatVector();
            assertArrayEquals(expected, features(shard, indices, epoch));
        }
        assertFalse(Arrays.equals(features(shard, indices, 0), features(shard, indices, 1)),
                "epochs 0 and 1 drew the same crops and flips");
        float[] plain = new ImageShard(images, shape, NORMALIZATION, null, SEED).batch(indices, 0, DataType.FLOAT)
                .getFeatures().ravel().toFloatVector();
        assertFalse(Arrays.equals(plain, features(shard, indices, 0)), "the augmentation changed nothing");
    }

    @Test
    void anAugmentedRunResumedFromTheMiddleMatchesItUninterrupted(@TempDir java.nio.file.Path dir) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.context());
        LabeledImages data = RandomImages.of(64, 5);
        MultiLayerNetwork uninterrupted = fresh();
        SparkTrainer.train(sc, uninterrupted, data, NORMALIZATION, AUGMENTATION, options(TOTAL_STEPS), null, null, null);
        MultiLayerNetwork plain = fresh();
        SparkTrainer.train(sc, plain, data, NORMALIZATION, null, options(TOTAL_STEPS), null, null, null);

        CheckpointStore store = new CheckpointStore(new Path(dir.toUri()), new Configuration(), 2);
        SparkTrainer.train(sc, fresh(), data, NORMALIZATION, AUGMENTATION, options(TOTAL_STEPS / 2), null,
                new CheckpointPlan(store, 0, "test"), null);
        Checkpoint checkpoint = store.loadLatest(new ArrayList<>()).orElseThrow();
        Model resumed = checkpoint.model();
        SparkTrainer.train(sc, resumed, data, NORMALIZATION, AUGMENTATION, options(TOTAL_STEPS), null,
                new CheckpointPlan(store, 0, "test"), checkpoint.state());

        assertArrayEquals(uninterrupted.params().toDoubleVector(), resumed.params().toDoubleVector());
        assertFalse(Arrays.equals(uninterrupted.params().toDoubleVector(), plain.params().toDoubleVector()),
                "training with and without augmentation gave the same parameters");
    }

    private static float[] features(ImageShard shard, int[] indices, int epoch) {
        return shard.batch(indices, epoch, DataType.FLOAT).getFeatures().ravel().toFloatVector();
    }

    private static TrainingOptions options(long maxSteps) {
        // 64 examples, batch 16: 4 steps per epoch, so the stop at step 5 falls inside epoch 1 and the rest spans 2
        return TrainingOptions.of(2, 16, 3).withSeed(SEED).withMaxSteps(maxSteps);
    }

    private static MultiLayerNetwork fresh() {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(SEED, DataType.FLOAT, new Adam(1e-2), 10));
        net.init();
        return net;
    }
}
