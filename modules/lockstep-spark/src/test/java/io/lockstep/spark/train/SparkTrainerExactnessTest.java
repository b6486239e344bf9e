package io.lockstep.spark.train;

import static io.lockstep.testing.ParameterAssertions.assertSameParameters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.runner.InProcessTrainer;
import io.lockstep.runner.ShardPlan;
import io.lockstep.spark.LocalSpark;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.StepOutcome;
import io.lockstep.testing.Dl4jTwin;
import io.lockstep.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Spark local mode with W barrier workers against one JVM on the same global batches: DL4J's own fit() with
 * DL4J's BatchNormalization, and Lockstep's in-process single worker when global clipping is on.
 */
class SparkTrainerExactnessTest {
    private static final int STEPS = 10;
    private static final int GLOBAL_BATCH = 24;
    private static final long SEED = 17;

    private static LabeledImages syntheticImages(int count) {
        Random random = new Random(3);
        byte[] pixels = new byte[count * 784];
        byte[] labels = new byte[count];
        random.nextBytes(pixels);
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return LabeledImages.of(pixels, labels, 10, 1, 28, 28);
    }

    /** The global batches the W workers see: each rank's share in rank order, as the barrier workers cut them. */
    private static List<DataSet> globalBatches(LabeledImages data, int workers, DataType dataType) {
        List<LabeledImages> shards = Sharding.split(data, workers, SEED);
        int[] localBatches = ShardPlan.balanced(GLOBAL_BATCH, workers);
        List<DataSet> batches = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            List<DataSet> parts = new ArrayList<>();
            for (int rank = 0; rank < workers; rank++) {
                int[] order = EpochOrder.of(SEED, 0, rank, shards.get(rank).count());
                parts.add(shards.get(rank).toDataSet(EpochOrder.batch(order, step, localBatches[rank]),
                        FeatureShape.FLAT, dataType));
            }
            batches.add(DataSet.merge(parts));
        }
        return batches;
    }

    private static MultiLayerConfiguration lenet() {
        MultiLayerConfiguration conf = LeNet5.configuration(SEED, DataType.DOUBLE, new Adam(1e-2), 10);
        Dl4jTwin.useBiasedRunningVariance(conf);
        return conf;
    }

    private static TrainingOptions options(int workers, ClippingConfig clipping) {
        return TrainingOptions.of(workers, GLOBAL_BATCH, 1).withSeed(SEED).withMaxSteps(STEPS).withClipping(clipping);
    }

    @ParameterizedTest(name = "W = {0}")
    @ValueSource(ints = {2, 4})
    void sparkWorkersMatchDl4jFitOnTheSameGlobalBatches(int workers) {
        LabeledImages data = syntheticImages(480);
        MultiLayerNetwork reference = new MultiLayerNetwork(Dl4jTwin.withDl4jBatchNorm(lenet()));
        reference.init();
        MultiLayerNetwork lockstep = new MultiLayerNetwork(lenet());
        lockstep.init(reference.params().dup(), false);

        TrainingResult result = SparkTrainer.train(JavaSparkContext.fromSparkContext(LocalSpark.context()), lockstep,
                data, null, options(workers, ClippingConfig.NONE), null);
        for (DataSet batch : globalBatches(data, workers, DataType.DOUBLE)) {
            reference.fit(batch);
        }

        assertEquals(STEPS, result.steps());
        assertSameParameters(reference, lockstep, 1e-8);
    }

    @Test
    void withGlobalClippingActiveOnSomeStepsFourWorkersMatchOneWorker() {
        LabeledImages data = syntheticImages(480);
        MultiLayerNetwork single = new MultiLayerNetwork(lenet());
        single.init();
        MultiLayerNetwork lockstep = new MultiLayerNetwork(lenet());
        lockstep.init(single.params().dup(), false);
        ClippingConfig clipping = ClippingConfig.globalNorm(medianUnclippedNorm(data, single));

        List<StepOutcome> sparkSteps = new ArrayList<>();
        SparkTrainer.train(JavaSparkContext.fromSparkContext(LocalSpark.context()), lockstep, data, null,
                options(4, clipping), (outcome, epoch, stepMillis, driverMillis) -> sparkSteps.add(outcome));
        List<StepOutcome> singleSteps = new ArrayList<>();
        try (InProcessTrainer trainer = new InProcessTrainer(single, 1, io.lockstep.nn.SyncMode.EXACT, clipping, null)) {
            for (DataSet batch : globalBatches(data, 4, DataType.DOUBLE)) {
                singleSteps.add(trainer.step(batch));
            }
        }

        long clipped = sparkSteps.stream().filter(StepOutcome::clipped).count();
        assertTrue(clipped > 0 && clipped < STEPS, "clipping must be active on some steps, not all: " + clipped);
        assertArrayEquals(singleSteps.stream().mapToDouble(StepOutcome::clipCoefficient).toArray(),
                sparkSteps.stream().mapToDouble(StepOutcome::clipCoefficient).toArray(), 1e-8);
        assertSameParameters(single, lockstep, 1e-8);
    }

    /** The median gradient norm of an unclipped run: a threshold that clips some steps and not others. */
    private static double medianUnclippedNorm(LabeledImages data, MultiLayerNetwork start) {
        MultiLayerNetwork dryRun = start.clone();
        try (InProcessTrainer trainer = new InProcessTrainer(dryRun, 1, io.lockstep.nn.SyncMode.EXACT, ClippingConfig.NONE, null)) {
            double[] norms = globalBatches(data, 4, DataType.DOUBLE).stream().mapToDouble(b -> trainer.step(b).gradNorm())
                    .sorted().toArray();
            return norms[norms.length / 2];
        }
    }

    @Test
    void theSameSeedTwiceInFloatGivesBitIdenticalParameters() {
        LabeledImages data = syntheticImages(480);
        float[][] params = new float[2][];
        for (int run = 0; run < 2; run++) {
            MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(SEED, DataType.FLOAT, new Adam(1e-2), 10));
            net.init();
            SparkTrainer.train(JavaSparkContext.fromSparkContext(LocalSpark.context()), net, data, null,
                    options(2, ClippingConfig.globalNorm(1.0)), null);
            params[run] = net.params().toFloatVector();
        }
        assertArrayEquals(params[0], params[1]);
    }
}
