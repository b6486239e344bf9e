package io.lockstep.cli;

import io.lockstep.spark.train.SparkTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The versions a run used, for {@code summary.json}: Lockstep, DL4J, Spark and Java. */
final class Versions {
    static final String UNKNOWN = "unknown";

    private Versions() {
    }

    /** {@code lockstep}, {@code dl4j}, {@code spark}, {@code java}, in that order. */
    static Map<String, String> of(String sparkVersion) {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("lockstep", lockstep());
        versions.put("dl4j", mavenVersion("org.deeplearning4j", "deeplearning4j-nn"));
        versions.put("spark", sparkVersion);
        versions.put("java", Runtime.version().toString());
        return versions;
    }

    /** From the Maven metadata of the installed jars, or the jar manifest; unknown when run from classes. */
    private static String lockstep() {
        for (String module : new String[] {"lockstep-cli", "lockstep-spark", "lockstep-core"}) {
            String version = mavenVersion("io.lockstep", module);
            if (!version.equals(UNKNOWN)) {
                return version;
            }
        }
        String manifest = SparkTrainer.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : UNKNOWN;
    }

    /** The version in {@code META-INF/maven/GROUP/ARTIFACT/pom.properties}, which Maven puts in every jar. */
    private static String mavenVersion(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Versions.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
