package io.lockstep.cli;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration with which the driver opens the dataset and the checkpoints: the one on the class path
 * ({@code core-site.xml}, {@code hdfs-site.xml}) plus every {@code spark.hadoop.*} setting, as Spark gives its own
 * Hadoop configuration: from the JVM's system properties (where {@code spark-submit --conf} puts them) and then from
 * {@code lockstep.spark.conf}, which wins.
 */
final class HadoopSettings {
    private static final String PREFIX = "spark.hadoop.";

    private HadoopSettings() {
    }

    static Configuration of(TrainConfig.Spark spark) {
        Configuration conf = new Configuration();
        System.getProperties().stringPropertyNames().forEach(key -> copy(key, System.getProperty(key), conf));
        for (Map.Entry<String, String> setting : spark.conf().entrySet()) {
            copy(setting.getKey(), setting.getValue(), conf);
        }
        return conf;
    }

    private static void copy(String key, String value, Configuration conf) {
        if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
            conf.set(key.substring(PREFIX.length()), value);
        }
    }
}
