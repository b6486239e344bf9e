package io.lockstep.data;

import static io.lockstep.data.TestFiles.cifarRecords;
import static io.lockstep.data.TestFiles.gzip;
import static io.lockstep.data.TestFiles.idxImages;
import static io.lockstep.data.TestFiles.idxLabels;
import static io.lockstep.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLayoutTest {
    private final Configuration conf = new Configuration();

    @TempDir
    java.nio.file.Path dir;

    private Path hadoopDir(java.nio.file.Path local) {
        return new Path(local.toUri());
    }

    @Test
    void loadsTheTestSplitOfAnIdxDataset() {
        byte[] pixels = TestFiles.randomBytes(2 * 28 * 28, 1);
        write(dir, "t10k-images-idx3-ubyte.gz", gzip(idxImages(28, 28, pixels)));
        write(dir, "t10k-labels-idx1-ubyte.gz", gzip(idxLabels(new byte[] {8, 1})));

        LabeledImages test = DatasetLayout.load("fashion-mnist", hadoopDir(dir), Split.TEST, conf);

        assertEquals(LabeledImages.of(pixels, new byte[] {8, 1}, 10, 1, 28, 28), test);
    }

    @Test
    void fallsBackToUncompressedIdxNames() {
        write(dir, "train-images-idx3-ubyte", idxImages(28, 28, new byte[28 * 28]));
        write(dir, "train-labels-idx1-ubyte", idxLabels(new byte[] {5}));

        LabeledImages train = DatasetLayout.MNIST.load(hadoopDir(dir), Split.TRAIN, conf);

        assertEquals(5, train.label(0));
    }

    @Test
    void reportsTheStandardNameOfAMissingIdxFile() {
        Path missing = new Path(dir.resolve("train-images-idx3-ubyte.gz").toUri());

        TestFiles.assertProblem(TestFiles.qualified(missing), "file not found",
                () -> DatasetLayout.MNIST.load(hadoopDir(dir), Split.TRAIN, conf));
    }

    @Test
    void findsCifarBatchesInTheArchiveSubdirectory() throws IOException {
        java.nio.file.Path batches = Files.createDirectory(dir.resolve("cifar-10-batches-bin"));
        write(batches, "test_batch.bin", cifarRecords(new byte[] {6}, new byte[3072]));

        LabeledImages test = DatasetLayout.load("cifar10", hadoopDir(dir), Split.TEST, conf);

        assertEquals(6, test.label(0));
    }

    @Test
    void readsCifarTrainingBatchesOneToFiveFromTheDirectoryItself() {
        for (int b = 1; b <= 5; b++) {
            write(dir, "data_batch_" + b + ".bin", cifarRecords(new byte[] {(byte) b}, new byte[3072]));
        }

        LabeledImages train = DatasetLayout.CIFAR10.load(hadoopDir(dir), Split.TRAIN, conf);

        assertEquals(List.of(1, 2, 3, 4, 5), List.of(train.label(0), train.label(1), train.label(2), train.label(3), train.label(4)));
    }

    @Test
    void rejectsUnknownDatasetNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetLayout.forId("imagenet"));

        assertEquals("unknown dataset 'imagenet'; known: fashion-mnist, mnist, cifar10", e.getMessage());
    }

    @Test
    void cifarNormalizationHasThreeChannels() {
        assertEquals(3, DatasetLayout.CIFAR10.normalization().channels());
    }
}
