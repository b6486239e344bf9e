package io.lockstep.dl4j.spark;

import static io.lockstep.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.LabeledImages;
import io.lockstep.model.Network;
import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.TrainingResult;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J's Spark API with LockstepTrainingMaster against Lockstep's own runtime and against DL4J itself: the user's
 * network with DL4J's BatchNormalization (running std as log10(std), DL4J's default), fit() once per epoch.
 */
class LockstepTrainingMasterExactnessTest {
    private static final long SEED = 17;
    private static final int WORKERS = 2;
    private static final int GLOBAL_BATCH = 24;

    /**
     * The same LeNet-5-BN, the same data, the same steps (2 epochs of 10): SparkDl4jMultiLayer + LockstepTrainingMaster
     * (RDD of DataSets of 16 examples in 3 partitions, DL4J batch norm converted around training) against
     * SparkTrainer on Lockstep's own image data path (SyncBN network): identical parameters, running statistics
     * and Adam state, in double precision, within 1e-10 relative.
     */
    @Test
    void sparkDl4jMultiLayerWithLockstepMasterMatchesSparkTrainer() {
        JavaSparkContext sc = Dl4jSpark.context();
        LabeledImages images = TestData.images(240, 3);

        MultiLayerNetwork lockstep = new MultiLayerNetwork(Dl4jNetworks.lockstepLeNet(SEED));
        lockstep.init();
        MultiLayerNetwork user = new MultiLayerNetwork(Dl4jNetworks.dl4jLeNet(SEED));
        user.init();
        Dl4jNetworks.copyParameters(lockstep, user);

        TrainingResult reference = SparkTrainer.train(sc, lockstep, images, null,
                TrainingOptions.of(WORKERS, GLOBAL_BATCH, 2).withSeed(SEED), null);

        DataSet all = TestData.asDataSet(images, Network.of(user).featureShape(), DataType.DOUBLE);
        JavaRDD<DataSet> rdd = sc.parallelize(TestData.split(all, 16), 3);
        LockstepTrainingMaster master = new LockstepTrainingMaster.Builder(WORKERS, GLOBAL_BATCH).rngSeed(SEED).build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, user, master);
        MultiLayerNetwork returned = sparkNet.fit(rdd);
        sparkNet.fit(rdd);

        assertSame(user, returned, "fit() returns the user's own network");
        assertTrue(Dl4jNetworks.usesOnlyDl4jBatchNorm(user.getLayerWiseConfigurations()), "the model code is unchanged");
        assertEquals(20, reference.steps());
        assertEquals(lockstep.getIterationCount(), user.getIterationCount());
        assertEquals(2, user.getEpochCount());
        MultiLayerNetwork userAsLockstep = new MultiLayerNetwork(Dl4jNetworks.lockstepLeNet(SEED));
        userAsLockstep.init();
        Dl4jNetworks.copyParameters(user, userAsLockstep);
        for (String key : lockstep.paramTable().keySet()) {
            assertClose(lockstep.getParam(key), userAsLockstep.getParam(key), 1e-10, "parameter " + key);
        }
        assertClose(lockstep.getUpdater().getStateViewArray(), user.getUpdater().getStateViewArray(), 1e-10,
                "Adam state");
        assertEquals(reference.finalLoss(), sparkNet.getScore(), 1e-10 * Math.abs(reference.finalLoss()));
    }

    /**
     * A ComputationGraph with DL4J's BatchNormalization through SparkComputationGraph + LockstepTrainingMaster on
     * W = 3 workers (uneven shares of the global batch) against DL4J's own single-JVM fit() on the same global
     * batches: Lockstep's promise, kept through DL4J's Spark API.
     */
    @Test
    void sparkComputationGraphWithLockstepMasterMatchesDl4jFit() {
        JavaSparkContext sc = Dl4jSpark.context();
        int workers = 3;
        int globalBatch = 20;
        DataSet all = TestData.dense(200, 8, 4, 5, DataType.DOUBLE);

        ComputationGraph reference = new ComputationGraph(Dl4jNetworks.dl4jGraph(SEED, 8, 4));
        reference.init();
        ComputationGraph user = new ComputationGraph(Dl4jNetworks.dl4jGraph(SEED, 8, 4));
        user.init(reference.params().dup(), false);

        SparkComputationGraph sparkGraph = new SparkComputationGraph(sc, user,
                new LockstepTrainingMaster.Builder(workers, globalBatch).rngSeed(SEED).build());
        sparkGraph.fit(sc.parallelize(TestData.split(all, 7), 2));
        sparkGraph.fit(sc.parallelize(TestData.split(all, 7), 2));
        List<DataSet> batches = TestData.globalBatches(all, workers, globalBatch, SEED, 2);
        for (DataSet batch : batches) {
            reference.fit(batch);
        }

        assertEquals(batches.size(), user.getIterationCount());
        for (String key : reference.paramTable().keySet()) {
            assertClose(reference.getParam(key), user.getParam(key), 1e-8, "parameter " + key);
        }
        assertClose(reference.getUpdater().getStateViewArray(), user.getUpdater().getStateViewArray(), 1e-8,
                "Adam state");
    }
}
