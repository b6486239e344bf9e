package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.testing.MiniHdfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep train} with the dataset and the checkpoints on a real HDFS (hdfs:// URLs in {@code lockstep.data.dir}
 * and {@code lockstep.checkpoint.dir}), then {@code --resume} from a checkpoint there, which must end with the same
 * model.
 */
class TrainOnHdfsTest {
    private static final int STEPS = 6;

    @TempDir
    Path tmp;

    @Test
    void trainsFromHdfsAndResumesFromItsCheckpointThere() throws IOException {
        org.apache.hadoop.fs.Path data = MiniHdfs.path("/cli-test/fashion-mnist");
        org.apache.hadoop.fs.Path checkpoints = MiniHdfs.path("/cli-test/checkpoints");
        FileSystem hdfs = data.getFileSystem(MiniHdfs.conf());
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(
                SyntheticImages.write(tmp.resolve("data"), 256, 64, 28, 11).toUri()), data);
        Path runDir = tmp.resolve("runs/hdfs");
        Path conf = tmp.resolve("hdfs.conf");
        Files.writeString(conf, String.join("\n",
                "lockstep {",
                "  spark.master = \"local[2]\"",
                "  workers = 2",
                "  train { batch-size = 64, epochs = 2, max-steps = " + STEPS + " }",
                "  data { name = fashion-mnist, fetch = false, dir = \"" + data + "\" }",
                "  checkpoint { dir = \"" + checkpoints + "\", every-steps = 3 }",
                "  model = lenet5-bn",
                "}"));

        CliRun run = CliRun.of(List.of("train", conf.toString(), "--set", "lockstep.run-dir=" + runDir));
        assertEquals(Main.OK, run.exitCode(), () -> "stdout:\n" + run.out() + "\nstderr:\n" + run.err());
        assertTrue(hdfs.exists(new org.apache.hadoop.fs.Path(checkpoints, "step-0000000003")), "checkpoint on HDFS");
        double[] trained = ModelSerializer.restoreMultiLayerNetwork(runDir.resolve(RunDirectory.MODEL).toFile())
                .params().toDoubleVector();

        // as if the driver had died after step 3's checkpoint: drop step 6's, resume from HDFS
        assertTrue(hdfs.delete(new org.apache.hadoop.fs.Path(checkpoints, "step-0000000006"), true));
        CliRun resumed = CliRun.of(List.of("train", runDir.resolve(RunDirectory.CONFIG).toString(), "--resume"));
        assertEquals(Main.OK, resumed.exitCode(), () -> "stdout:\n" + resumed.out() + "\nstderr:\n" + resumed.err());
        assertTrue(resumed.out().contains("at step 3 from " + checkpoints + "/step-0000000003"), resumed.out());

        assertTrue(hdfs.exists(new org.apache.hadoop.fs.Path(checkpoints, "step-0000000006")), "written again");
        assertArrayEquals(trained, ModelSerializer.restoreMultiLayerNetwork(runDir.resolve(RunDirectory.MODEL).toFile())
                .params().toDoubleVector(), "resumed training ends where uninterrupted training did, bit for bit");
    }
}
