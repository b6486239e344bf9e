package io.lockstep.cli;

import io.lockstep.spark.kryo.LockstepKryoRegistrator;
import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts the run's Spark context: the master from {@code lockstep.spark.master} (unless spark-submit already set
 * one), application name {@value #APP_NAME}, the web UI off, Kryo with {@link LockstepKryoRegistrator} and
 * registration required, then {@code lockstep.spark.conf} over those (so any of them can be changed there).
 */
final class SparkContexts {
    static final String APP_NAME = "lockstep";

    private SparkContexts() {
    }

    /**
     * @throws ConfigError at {@code lockstep.spark} when Spark does not start with these settings
     */
    static JavaSparkContext start(TrainConfig.Spark spark, PrintStream out) {
        SparkConf conf = sparkConf(spark, out);
        try {
            return new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new ConfigError("lockstep.spark", "cannot start Spark with master " + conf.get("spark.master")
                    + ": " + e.getMessage());
        }
    }

    /** The settings; {@code new SparkConf()} holds spark-submit's ({@code spark.*} system properties). */
    static SparkConf sparkConf(TrainConfig.Spark spark, PrintStream out) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(spark.master());
        } else if (!conf.get("spark.master").equals(spark.master())) {
            out.println("lockstep: master " + conf.get("spark.master") + " (from spark-submit; "
                    + TrainConfig.SPARK_MASTER + " = " + spark.master() + " does not apply)");
        }
        conf.setAppName(APP_NAME);
        conf.set("spark.ui.enabled", "false");
        conf.set("spark.serializer", LockstepKryoRegistrator.SERIALIZER);
        conf.set("spark.kryo.registrator", LockstepKryoRegistrator.class.getName());
        conf.set("spark.kryo.registrationRequired", "true");
        if (conf.get("spark.master").startsWith("local")) {
            // Local mode has no remote executors: bind to loopback, so an unresolvable host name cannot stop it.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        for (Map.Entry<String, String> setting : spark.conf().entrySet()) {
            conf.set(setting.getKey(), setting.getValue());
        }
        return conf;
    }
}
