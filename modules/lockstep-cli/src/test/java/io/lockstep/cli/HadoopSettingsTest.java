package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** spark.hadoop.* settings reach the driver's own Hadoop file access, as they reach Spark's. */
class HadoopSettingsTest {
    private static final String PROPERTY = "spark.hadoop.lockstep.test.setting";

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void sparkHadoopSettingsFromTheConfigAndTheSystemProperties() {
        System.setProperty(PROPERTY, "from-spark-submit");
        Configuration conf = HadoopSettings.of(new TrainConfig.Spark("local[2]", Map.of(
                "spark.hadoop.fs.defaultFS", "hdfs://namenode:8020", "spark.executor.memory", "4g")));

        assertEquals("hdfs://namenode:8020", conf.get("fs.defaultFS"));
        assertEquals("from-spark-submit", conf.get("lockstep.test.setting"));
        assertNull(conf.get("executor.memory"));
        assertNull(conf.get("spark.executor.memory"));
    }

    @Test
    void theConfigWinsOverTheSystemProperties() {
        System.setProperty(PROPERTY, "from-spark-submit");
        Configuration conf = HadoopSettings.of(new TrainConfig.Spark("local[2]", Map.of(PROPERTY, "from-the-config")));

        assertEquals("from-the-config", conf.get("lockstep.test.setting"));
    }
}
