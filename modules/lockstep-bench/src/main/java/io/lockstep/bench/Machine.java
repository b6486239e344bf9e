package io.lockstep.bench;

import org.nd4j.linalg.factory.Nd4j;

/** The machine line of the report: cores, JVM, OS, ND4J backend and BLAS. */
final class Machine {
    private Machine() {
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String describe() {
        Runtime runtime = Runtime.getRuntime();
        return cores() + " cores, " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", heap max " + runtime.maxMemory() / (1 << 20) + " MiB, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", ND4J " + Nd4j.getExecutioner().getEnvironmentInformation().get("backend")
                + " backend with " + Nd4j.factory().blas().getBlasVendor() + ", Spark "
                + org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }
}
