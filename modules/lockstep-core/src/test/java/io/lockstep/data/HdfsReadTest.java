package io.lockstep.data;

import static io.lockstep.data.TestFiles.gzip;
import static io.lockstep.data.TestFiles.idxImages;
import static io.lockstep.data.TestFiles.idxLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.testing.MiniHdfs;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** The readers on a real HDFS (one name node, one data node, in this JVM), through hdfs:// paths. */
class HdfsReadTest {
    private static Path put(String name, byte[] content) throws IOException {
        Path path = MiniHdfs.path("/datasets/idx/" + name);
        FileSystem fs = path.getFileSystem(MiniHdfs.conf());
        try (OutputStream out = fs.create(path)) {
            out.write(content);
        }
        return path;
    }

    @Test
    void readsAnIdxPairThroughHdfsPaths() throws IOException {
        byte[] pixels = TestFiles.randomBytes(50 * 28 * 28, 7);
        byte[] labels = TestFiles.randomLabels(50, 10, 8);
        Path images = put("train-images-idx3-ubyte.gz", gzip(idxImages(28, 28, pixels)));
        Path labelFile = put("train-labels-idx1-ubyte", idxLabels(labels));
        assertTrue(images.toString().startsWith("hdfs://"), images::toString);

        LabeledImages read = IdxReader.read(images, labelFile, MiniHdfs.conf());

        assertEquals(LabeledImages.of(pixels, labels, 10, 1, 28, 28), read);
    }

    @Test
    void namesTheHdfsPathOfAMissingFile() throws IOException {
        Path labelFile = put("t10k-labels-idx1-ubyte.gz", gzip(idxLabels(new byte[] {1})));
        Path missing = MiniHdfs.path("/datasets/idx/t10k-images-idx3-ubyte.gz");

        TestFiles.assertProblem(missing.toString(), "file not found", () -> IdxReader.read(missing, labelFile, MiniHdfs.conf()));
    }
}
