package io.lockstep.dl4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;

/**
 * The ways DL4J's Spark API hands data to a training master (an RDD of DataSets, a directory of exported
 * DataSets, a list of paths, an RDD of MultiDataSets) train identically, however the examples are cut into
 * DataSet objects; and DL4J's distributed evaluation works on the trained network.
 */
class DataPathsTest {
    private static final long SEED = 23;
    private static final int WORKERS = 2;
    private static final int GLOBAL_BATCH = 16;

    private static LockstepTrainingMaster master() {
        return new LockstepTrainingMaster.Builder(WORKERS, GLOBAL_BATCH).rngSeed(SEED).build();
    }

    private static MultiLayerNetwork trainOnRdd(JavaRDD<DataSet> data) {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jNetworks.dl4jMlp(SEED, 8, 4));
        net.init();
        new SparkDl4jMultiLayer(Dl4jSpark.context(), net, master()).fit(data);
        return net;
    }

    @Test
    void howTheExamplesAreCutIntoDataSetsDoesNotMatter() {
        JavaSparkContext sc = Dl4jSpark.context();
        DataSet all = TestData.dense(160, 8, 4, 1, DataType.DOUBLE);
        MultiLayerNetwork bySixteen = trainOnRdd(sc.parallelize(TestData.split(all, 16), 4));
        MultiLayerNetwork byOne = trainOnRdd(sc.parallelize(TestData.split(all, 1), 3));
        MultiLayerNetwork asOne = trainOnRdd(sc.parallelize(List.of(all), 1));
        assertArrayEquals(bySixteen.params().toDoubleVector(), byOne.params().toDoubleVector());
        assertArrayEquals(bySixteen.params().toDoubleVector(), asOne.params().toDoubleVector());
    }

    @Test
    void fitOfADirectoryOfExportedDataSetsMatchesFitOfTheRdd(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = Dl4jSpark.context();
        DataSet all = TestData.dense(160, 8, 4, 2, DataType.DOUBLE);
        List<DataSet> parts = TestData.split(all, 10);
        // Written out of order: the master sorts the paths, so the listing order does not matter.
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).save(new File(dir.toFile(), String.format("dataset-%04d.bin", i)));
        }
        MultiLayerNetwork fromRdd = trainOnRdd(sc.parallelize(parts, 2));

        MultiLayerNetwork fromFiles = new MultiLayerNetwork(Dl4jNetworks.dl4jMlp(SEED, 8, 4));
        fromFiles.init();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, fromFiles, master());
        sparkNet.fit(dir.toUri().toString());

        assertArrayEquals(fromRdd.params().toDoubleVector(), fromFiles.params().toDoubleVector());
        assertEquals(1, fromFiles.getEpochCount());
        MultiLayerNetwork fromPaths = new MultiLayerNetwork(Dl4jNetworks.dl4jMlp(SEED, 8, 4));
        fromPaths.init();
        List<String> paths;
        try (var files = Files.list(dir)) {
            paths = files.map(p -> p.toUri().toString()).toList();
        }
        new SparkDl4jMultiLayer(sc, fromPaths, master()).fitPaths(sc.parallelize(paths, 3));
        assertArrayEquals(fromRdd.params().toDoubleVector(), fromPaths.params().toDoubleVector());
    }

    @Test
    void graphTrainsTheSameOnDataSetsAndOnMultiDataSets() {
        JavaSparkContext sc = Dl4jSpark.context();
        DataSet all = TestData.dense(120, 8, 4, 3, DataType.DOUBLE);
        ComputationGraph onDataSets = new ComputationGraph(Dl4jNetworks.dl4jGraph(SEED, 8, 4));
        onDataSets.init();
        ComputationGraph onMultiDataSets = onDataSets.clone();
        new SparkComputationGraph(sc, onDataSets, master()).fit(sc.parallelize(TestData.split(all, 12), 2));
        JavaRDD<MultiDataSet> multi = sc.parallelize(TestData.split(all, 12), 2).map(DataSet::toMultiDataSet);
        new SparkComputationGraph(sc, onMultiDataSets, master()).fitMultiDataSet(multi);
        assertArrayEquals(onDataSets.params().toDoubleVector(), onMultiDataSets.params().toDoubleVector());
    }

    @Test
    void dl4jDistributedEvaluationWorksOnTheTrainedNetwork() {
        JavaSparkContext sc = Dl4jSpark.context();
        DataSet train = TestData.dense(160, 8, 4, 4, DataType.DOUBLE);
        DataSet test = TestData.dense(80, 8, 4, 5, DataType.DOUBLE);
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jNetworks.dl4jMlp(SEED, 8, 4));
        net.init();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master());
        for (int epoch = 0; epoch < 3; epoch++) {
            sparkNet.fit(sc.parallelize(TestData.split(train, 16), 2));
        }
        Evaluation distributed = sparkNet.evaluate(sc.parallelize(TestData.split(test, 10), 2));
        DataSetIterator local = new ListDataSetIterator<>(TestData.split(test, 10));
        Evaluation single = net.evaluate(local);

        assertEquals(80, distributed.getNumRowCounter());
        assertEquals(single.accuracy(), distributed.accuracy(), 1e-12);
        assertTrue(distributed.accuracy() > 0.5, "trained well above chance (0.25): " + distributed.accuracy());
        double score = sparkNet.calculateScore(sc.parallelize(TestData.split(test, 10), 2), true);
        assertEquals(net.score(test), score, 1e-9);
    }
}
