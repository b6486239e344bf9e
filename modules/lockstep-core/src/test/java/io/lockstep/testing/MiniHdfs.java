package io.lockstep.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS (one name node, one data node) in this JVM, started once for all the tests that need it and shut
 * down when the JVM exits.
 */
public final class MiniHdfs {
    private static final File BASE_DIR = new File("target/mini-hdfs");
    private static MiniDFSCluster cluster;
    private static Configuration conf;

    private MiniHdfs() {
    }

    public static synchronized Configuration conf() {
        start();
        return conf;
    }

    /** An hdfs:// path on the shared cluster. */
    public static synchronized Path path(String absolutePath) {
        start();
        return new Path(cluster.getURI().toString() + absolutePath);
    }

    private static void start() {
        if (cluster != null) {
            return;
        }
        requireLog4jApi();
        FileUtil.fullyDelete(BASE_DIR);
        conf = new Configuration();
        try {
            cluster = new MiniDFSCluster.Builder(conf, BASE_DIR).numDataNodes(1).build();
            cluster.waitActive();
        } catch (IOException e) {
            throw new IllegalStateException("MiniDFSCluster did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.shutdown(true)));
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
                    + "3.3.4 does not bring: add ch.qos.reload4j:reload4j with test scope");
        }
    }
}
