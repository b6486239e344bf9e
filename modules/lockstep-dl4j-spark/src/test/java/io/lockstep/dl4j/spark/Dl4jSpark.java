package io.lockstep.dl4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One local-mode SparkContext for all the tests of this JVM, configured as DL4J's documentation configures Spark
 * for its Spark API (Kryo, with the registrator that handles ND4J arrays), plus what Lockstep's own tests use:
 * RPC authentication on, no UI, a failed barrier stage not retried by Spark.
 */
final class Dl4jSpark {
    static final String SECRET = "lockstep-dl4j-test-secret";
    private static JavaSparkContext context;

    private Dl4jSpark() {
    }

    static synchronized JavaSparkContext context() {
        if (context == null) {
            SparkConf conf = new SparkConf()
                    .setMaster("local[4]")
                    .setAppName("lockstep-dl4j-spark-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .set("spark.kryo.registrator", LockstepDl4jKryoRegistrator.class.getName())
                    .set("spark.authenticate", "true")
                    .set("spark.authenticate.secret", SECRET)
                    .set("spark.stage.maxConsecutiveAttempts", "1");
            context = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        }
        return context;
    }
}
