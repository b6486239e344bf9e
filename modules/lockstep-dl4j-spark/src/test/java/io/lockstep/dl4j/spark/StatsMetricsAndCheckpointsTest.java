package io.lockstep.dl4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** What a run leaves besides the network: DL4J statistics, listener calls, the run directory, checkpoints. */
class StatsMetricsAndCheckpointsTest {
    private static final long SEED = 29;
    private static final int STEPS_PER_EPOCH = 160 / 16;

    private static JavaRDD<DataSet> data() {
        return Dl4jSpark.context().parallelize(TestData.split(TestData.dense(160, 8, 4, 6, DataType.DOUBLE), 20), 2);
    }

    private static MultiLayerNetwork mlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jNetworks.dl4jMlp(SEED, 8, 4));
        net.init();
        return net;
    }

    @Test
    void statisticsListenersAndRunDirectoryRecordEveryStep(@TempDir Path runs) throws Exception {
        JavaSparkContext sc = Dl4jSpark.context();
        Path runDir = runs.resolve("mlp");
        LockstepTrainingMaster master = new LockstepTrainingMaster.Builder(2, 16).rngSeed(SEED)
                .runDirectory(runDir.toString()).build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, mlp(), master);
        assertNull(sparkNet.getSparkTrainingStats(), "no statistics unless asked for, as in DL4J");
        sparkNet.setCollectTrainingStats(true);
        List<Integer> iterations = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        sparkNet.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                iterations.add(iteration);
                scores.add(model.score());
            }
        });
        JavaRDD<DataSet> data = data();
        sparkNet.fit(data);
        sparkNet.fit(data);

        SparkTrainingStats stats = sparkNet.getSparkTrainingStats();
        assertEquals(2 * STEPS_PER_EPOCH, stats.getValue(LockstepTrainingStats.STEP_TIMES_MS).size());
        assertEquals(2, stats.getValue(LockstepTrainingStats.FIT_TIMES_MS).size());
        assertEquals(1, stats.getValue(LockstepTrainingStats.SHARD_TIMES_MS).size(), "the same RDD is sharded once");
        assertTrue(stats.statsAsString().contains(LockstepTrainingStats.STEP_TIMES_MS));
        java.io.ByteArrayOutputStream html = new java.io.ByteArrayOutputStream();
        org.deeplearning4j.spark.stats.StatsUtils.exportStatsAsHTML(stats, html);
        assertTrue(html.size() > 0, "DL4J's HTML report of the statistics");
        stats.exportStatFiles(runs.resolve("stats").toString(), sc.sc());
        assertEquals(2 * STEPS_PER_EPOCH + 1, Files.readAllLines(runs.resolve("stats")
                .resolve(LockstepTrainingStats.STEP_TIMES_MS + ".txt")).size(), "a header line and one line per step");

        assertEquals(2 * STEPS_PER_EPOCH, iterations.size());
        assertEquals(0, iterations.get(0));
        assertEquals(2 * STEPS_PER_EPOCH - 1, iterations.get(iterations.size() - 1));
        assertEquals(scores.get(scores.size() - 1), sparkNet.getScore(), 0.0);

        List<String> lines = Files.readAllLines(runDir.resolve(RunMetrics.METRICS));
        assertEquals(2 * STEPS_PER_EPOCH, lines.size());
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> last = json.readValue(lines.get(lines.size() - 1), new TypeReference<Map<String, Object>>() { });
        assertEquals(2 * STEPS_PER_EPOCH - 1, ((Number) last.get("step")).intValue());
        assertEquals(1, ((Number) last.get("epoch")).intValue());
        assertEquals(16, ((Number) last.get("examples")).intValue());
        Map<String, Object> summary = json.readValue(runDir.resolve(RunMetrics.SUMMARY).toFile(),
                new TypeReference<Map<String, Object>>() { });
        assertEquals(2, ((Number) summary.get("epochs")).intValue());
        assertEquals(2 * STEPS_PER_EPOCH, ((Number) summary.get("steps")).intValue());
        assertEquals(scores.get(scores.size() - 1), ((Number) summary.get("final_train_loss")).doubleValue(), 1e-12);
    }

    /**
     * Checkpoints every 3 steps; a new master and a fresh network restore the newest one (in the middle of the second
     * epoch) and finish that epoch and the third: the same parameters as an uninterrupted run of 3 epochs.
     */
    @Test
    void aRestoredCheckpointContinuesExactlyWithinItsEpoch(@TempDir Path checkpoints) {
        JavaSparkContext sc = Dl4jSpark.context();
        JavaRDD<DataSet> data = data();
        MultiLayerNetwork uninterrupted = mlp();
        SparkDl4jMultiLayer straight = new SparkDl4jMultiLayer(sc, uninterrupted,
                new LockstepTrainingMaster.Builder(2, 16).rngSeed(SEED).build());
        for (int epoch = 0; epoch < 3; epoch++) {
            straight.fit(data);
        }

        String dir = checkpoints.toUri().toString();
        SparkDl4jMultiLayer first = new SparkDl4jMultiLayer(sc, mlp(), new LockstepTrainingMaster.Builder(2, 16)
                .rngSeed(SEED).checkpointDirectory(dir).checkpointEverySteps(3).checkpointsToKeep(10).build());
        first.fit(data);
        first.fit(data);
        // The newest checkpoint is at the end of the second epoch (step 20); without it, the one of step 18 (in
        // the second epoch, steps 10..19) is the newest: a mid-epoch restore.
        deleteCheckpointsAfter(checkpoints, 18);

        MultiLayerNetwork restored = mlp();
        LockstepTrainingMaster master = new LockstepTrainingMaster.Builder(2, 16).rngSeed(SEED)
                .checkpointDirectory(dir).build();
        SparkDl4jMultiLayer resumed = new SparkDl4jMultiLayer(sc, restored, master);
        assertTrue(master.restoreLatestCheckpoint(resumed));
        assertEquals(18, restored.getIterationCount());
        while (restored.getEpochCount() < 3) {
            resumed.fit(data);
        }

        assertEquals(3, restored.getEpochCount());
        assertEquals(uninterrupted.getIterationCount(), restored.getIterationCount());
        assertArrayEquals(uninterrupted.params().toDoubleVector(), restored.params().toDoubleVector());
        assertArrayEquals(uninterrupted.getUpdater().getStateViewArray().toDoubleVector(),
                restored.getUpdater().getStateViewArray().toDoubleVector());
    }

    @Test
    void aCheckpointOfAnotherNetworkIsRefused(@TempDir Path checkpoints) {
        JavaSparkContext sc = Dl4jSpark.context();
        String dir = checkpoints.toUri().toString();
        new SparkDl4jMultiLayer(sc, mlp(), new LockstepTrainingMaster.Builder(2, 16).rngSeed(SEED)
                .checkpointDirectory(dir).build()).fit(data());

        LockstepTrainingMaster otherSeed = new LockstepTrainingMaster.Builder(2, 16).rngSeed(SEED + 1)
                .checkpointDirectory(dir).build();
        SparkDl4jMultiLayer other = new SparkDl4jMultiLayer(sc, mlp(), otherSeed);
        assertThrows(IllegalStateException.class, () -> otherSeed.restoreLatestCheckpoint(other));
        LockstepTrainingMaster empty = new LockstepTrainingMaster.Builder(2, 16)
                .checkpointDirectory(checkpoints.resolve("none").toUri().toString()).build();
        assertFalse(empty.restoreLatestCheckpoint(new SparkDl4jMultiLayer(sc, mlp(), empty)));
    }

    private static void deleteCheckpointsAfter(Path directory, long step) {
        try (var entries = Files.list(directory)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith("step-") && Long.parseLong(name.substring(5)) > step) {
                    org.apache.commons.io.FileUtils.deleteDirectory(entry.toFile());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
