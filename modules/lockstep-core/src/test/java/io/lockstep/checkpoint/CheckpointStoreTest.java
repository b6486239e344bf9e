package io.lockstep.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.runner.InProcessTrainer;
import io.lockstep.nn.SyncMode;
import io.lockstep.step.ClippingConfig;
import io.lockstep.testing.MiniHdfs;
import io.lockstep.testing.RandomBatches;
import io.lockstep.zoo.LeNet5;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

class CheckpointStoreTest {
    private MultiLayerNetwork net;

    @BeforeEach
    void trainedNetwork() {
        net = new MultiLayerNetwork(LeNet5.configuration(9, DataType.FLOAT, new Adam(1e-3), 10));
        net.init();
        try (InProcessTrainer trainer = new InProcessTrainer(net, 2, SyncMode.EXACT, ClippingConfig.NONE, null)) {
            RandomBatches.of(1, 2, DataType.FLOAT, new long[] {8, 784}, 10).forEach(trainer::step);
        }
    }

    private static TrainingState state(long step) {
        return new TrainingState(step, 42, "fingerprint-1", 1, 2, step * 8);
    }

    @Test
    void aSavedCheckpointLoadsWithParametersOptimizerStateAndRunState(@TempDir java.nio.file.Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new Path(dir.toUri()), new Configuration(), 3);
        store.save(net, state(2));

        Checkpoint loaded = store.loadLatest(new ArrayList<>()).orElseThrow();

        MultiLayerNetwork restored = (MultiLayerNetwork) loaded.model();
        assertArrayEquals(net.params().toFloatVector(), restored.params().toFloatVector());
        assertArrayEquals(net.getUpdater().getStateViewArray().toFloatVector(),
                restored.getUpdater().getStateViewArray().toFloatVector());
        assertEquals(net.getIterationCount(), restored.getIterationCount());
        assertEquals(state(2), loaded.state());
    }

    @Test
    void onlyTheNewestKeepCheckpointsRemain(@TempDir java.nio.file.Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new Path(dir.toUri()), new Configuration(), 2);
        for (long step = 1; step <= 4; step++) {
            store.save(net, state(step));
        }
        assertEquals(List.of("step-0000000003", "step-0000000004"), store.list().stream().map(Path::getName).toList());
    }

    @Test
    void aCorruptNewestCheckpointIsSkippedForTheNewestValidOne(@TempDir java.nio.file.Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new Path(dir.toUri()), new Configuration(), 3);
        store.save(net, state(5));
        Path newest = store.save(net, state(6));
        FileSystem fs = newest.getFileSystem(new Configuration());
        try (OutputStream out = fs.create(new Path(newest, "model.zip"), true)) {
            out.write(new byte[] {1, 2, 3});
        }

        List<String> skipped = new ArrayList<>();
        Checkpoint loaded = store.loadLatest(skipped).orElseThrow();

        assertEquals(5, loaded.state().nextStep());
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).contains("model.zip does not match its digest"), skipped.get(0));
    }

    @Test
    void aHalfWrittenTemporaryCheckpointIsNeverLoaded(@TempDir java.nio.file.Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new Path(dir.toUri()), new Configuration(), 3);
        store.save(net, state(7));
        Path partial = new Path(store.directory(), ".step-0000000008.tmp-1");
        FileSystem fs = partial.getFileSystem(new Configuration());
        fs.mkdirs(partial);
        try (OutputStream out = fs.create(new Path(partial, "model.zip"))) {
            out.write(new byte[] {9});
        }
        assertEquals(7, store.loadLatest(new ArrayList<>()).orElseThrow().state().nextStep());
    }

    @Test
    void checkpointsLiveOnHdfs() throws IOException {
        CheckpointStore store = new CheckpointStore(MiniHdfs.path("/runs/checkpoints"), MiniHdfs.conf(), 2);
        Path saved = store.save(net, state(3));
        assertTrue(saved.toString().startsWith("hdfs://"), saved::toString);

        Checkpoint loaded = store.loadLatest(new ArrayList<>()).orElseThrow();
        assertArrayEquals(net.params().toFloatVector(), loaded.model().params().toFloatVector());
    }
}
