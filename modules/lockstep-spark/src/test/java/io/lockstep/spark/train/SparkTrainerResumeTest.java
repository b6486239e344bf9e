package io.lockstep.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.checkpoint.Checkpoint;
import io.lockstep.checkpoint.CheckpointStore;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.Split;
import io.lockstep.data.TestFiles;
import io.lockstep.spark.LocalSpark;
import io.lockstep.testing.RandomImages;
import io.lockstep.step.ClippingConfig;
import io.lockstep.testing.MiniHdfs;
import io.lockstep.zoo.LeNet5;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * N steps in one go, and N/2 steps + stop + resume from the checkpoint to N, give bit-identical parameters and
 * optimizer state: with the checkpoints on the local file system, and with the data and the checkpoints on a real
 * HDFS.
 */
class SparkTrainerResumeTest {
    private static final int TOTAL_STEPS = 12;

    private static TrainingOptions options(long maxSteps) {
        // 64 examples, batch 16: 4 steps per epoch, so the stop at step 6 falls in the middle of epoch 1
        return TrainingOptions.of(2, 16, 3).withSeed(31).withMaxSteps(maxSteps)
                .withClipping(ClippingConfig.globalNorm(1.0));
    }

    private static MultiLayerNetwork fresh(DataType dataType) {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(31, dataType, new Adam(1e-2), 10));
        net.init();
        return net;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void resumingFromTheMiddleCheckpointGivesBitIdenticalParameters(DataType dataType, @TempDir java.nio.file.Path dir)
            throws IOException {
        CheckpointStore store = new CheckpointStore(new Path(dir.toUri()), new Configuration(), 2);
        assertResumeIsBitIdentical(RandomImages.of(64, 6), store, dataType);
    }

    @Test
    void withTheDataAndTheCheckpointsOnHdfsResumingGivesBitIdenticalParameters() throws IOException {
        Path dataDir = MiniHdfs.path("/resume-test/fashion-mnist");
        LabeledImages written = RandomImages.of(64, 6);
        putAsIdx(written, dataDir);
        LabeledImages read = DatasetLayout.FASHION_MNIST.load(dataDir, Split.TRAIN, MiniHdfs.conf());
        assertEquals(written, read, "the training split read back from " + dataDir);

        CheckpointStore store = new CheckpointStore(MiniHdfs.path("/resume-test/checkpoints"), MiniHdfs.conf(), 2);
        assertResumeIsBitIdentical(read, store, DataType.FLOAT);

        // the resumed run went on checkpointing to HDFS: the newest two of steps 3, 6 (its start), 9 and 12 are kept
        assertEquals(List.of("step-0000000009", "step-0000000012"), store.list().stream().map(Path::getName).toList());
    }

    /**
     * Trains {@code TOTAL_STEPS} steps uninterrupted; separately half of them checkpointing every 3 steps into
     * {@code store}, then resumes from its newest checkpoint to the end; compares parameters and updater state.
     */
    private static void assertResumeIsBitIdentical(LabeledImages data, CheckpointStore store, DataType dataType)
            throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.context());
        MultiLayerNetwork uninterrupted = fresh(dataType);
        SparkTrainer.train(sc, uninterrupted, data, null, options(TOTAL_STEPS), null);

        SparkTrainer.train(sc, fresh(dataType), data, null, options(TOTAL_STEPS / 2), null,
                new CheckpointPlan(store, 3, "test"), null);
        Checkpoint checkpoint = store.loadLatest(new ArrayList<>()).orElseThrow();
        assertEquals(TOTAL_STEPS / 2, checkpoint.state().nextStep());
        Model resumed = checkpoint.model();
        TrainingResult rest = SparkTrainer.train(sc, resumed, data, null, options(TOTAL_STEPS), null,
                new CheckpointPlan(store, 3, "test"), checkpoint.state());

        assertEquals(TOTAL_STEPS - TOTAL_STEPS / 2, rest.steps());
        assertArrayEquals(uninterrupted.params().toDoubleVector(), resumed.params().toDoubleVector());
        assertArrayEquals(uninterrupted.getUpdater().getStateViewArray().toDoubleVector(),
                ((MultiLayerNetwork) resumed).getUpdater().getStateViewArray().toDoubleVector());
    }

    /** Writes {@code images} into {@code dir} as the gzipped IDX files of Fashion-MNIST's training split. */
    private static void putAsIdx(LabeledImages images, Path dir) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        byte[] labels = new byte[images.count()];
        for (int i = 0; i < images.count(); i++) {
            pixels.writeBytes(images.image(i));
            labels[i] = (byte) images.label(i);
        }
        FileSystem fs = dir.getFileSystem(MiniHdfs.conf());
        try (OutputStream out = fs.create(new Path(dir, "train-images-idx3-ubyte.gz"))) {
            out.write(TestFiles.gzip(TestFiles.idxImages(images.height(), images.width(), pixels.toByteArray())));
        }
        try (OutputStream out = fs.create(new Path(dir, "train-labels-idx1-ubyte.gz"))) {
            out.write(TestFiles.gzip(TestFiles.idxLabels(labels)));
        }
    }
}
