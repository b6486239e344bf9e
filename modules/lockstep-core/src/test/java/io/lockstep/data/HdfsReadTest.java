package io.lockstep.data;

import static io.lockstep.data.TestFiles.gzip;
import static io.lockstep.data.TestFiles.idxImages;
import static io.lockstep.data.TestFiles.idxLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The readers on a real HDFS (one name node, one data node, in this JVM), through hdfs:// paths. */
class HdfsReadTest {
    private static final File BASE_DIR = new File("target/hdfs-" + HdfsReadTest.class.getSimpleName());

    private static MiniDFSCluster cluster;
    private static Configuration conf;

    @BeforeAll
    static void startHdfs() throws IOException {
        requireLog4jApi();
        FileUtil.fullyDelete(BASE_DIR);
        conf = new Configuration();
        cluster = new MiniDFSCluster.Builder(conf, BASE_DIR).numDataNodes(1).build();
        cluster.waitActive();
    }

    /**
     * MiniDFSCluster calls the log4j 1.x API, which hadoop-client-minicluster 3.3.4 leaves out of its shaded jar
     * and does not depend on: without it, startup fails with {@code NoClassDefFoundError: org/apache/log4j/Appender}.
     */
    private static void requireLog4jApi() {
        try {
            Class.forName("org.apache.log4j.Appender");
        } catch (ClassNotFoundException e) {
            fail("MiniDFSCluster needs the log4j 1.x API (org.apache.log4j.Appender), which hadoop-client-minicluster "
                    + "3.3.4 does not bring: add ch.qos.reload4j:reload4j:1.2.22 with test scope to lockstep-core's pom");
        }
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    private static Path put(String name, byte[] content) throws IOException {
        Path path = new Path(cluster.getURI().toString() + "/datasets/idx/" + name);
        FileSystem fs = path.getFileSystem(conf);
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

        LabeledImages read = IdxReader.read(images, labelFile, conf);

        assertEquals(LabeledImages.of(pixels, labels, 10, 1, 28, 28), read);
    }

    @Test
    void namesTheHdfsPathOfAMissingFile() throws IOException {
        Path labelFile = put("t10k-labels-idx1-ubyte.gz", gzip(idxLabels(new byte[] {1})));
        Path missing = new Path(cluster.getURI().toString() + "/datasets/idx/t10k-images-idx3-ubyte.gz");

        TestFiles.assertProblem(missing.toString(), "file not found", () -> IdxReader.read(missing, labelFile, conf));
    }
}
