package io.lockstep.bench;

import io.lockstep.runner.WorkerThreads;
import java.io.Serializable;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's thread counts as this JVM sees them at one moment, and the way to set them. All three are process-wide
 * (two Spark tasks in one local-mode JVM share them):
 * <ul>
 *   <li>{@code maxThreads}: libnd4j's thread-pool limit. In ND4J 1.0.0-M2 {@code Environment.setMaxThreads} does
 *       nothing (its native body is commented out); the value comes from {@code OMP_NUM_THREADS} or the core
 *       count at start-up;</li>
 *   <li>{@code maxMasterThreads}: how many threads libnd4j's own parallel loops use (clamped to maxThreads);</li>
 *   <li>BLAS threads: OpenBLAS's own pool, used by every matrix multiply (dense layers and the im2col
 *       convolutions), changed only through {@code Nd4j.factory().blas().setMaxThreads}.</li>
 * </ul>
 *
 * @param omp OpenMP's {@code omp_get_max_threads} as ND4J reports it (libnd4j's OpenMP regions)
 */
record Nd4jThreads(int maxThreads, int maxMasterThreads, int blas, String omp) implements Serializable {

    static Nd4jThreads current() {
        Environment env = Nd4j.getEnvironment();
        Object omp = Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads");
        return new Nd4jThreads(env.maxThreads(), env.maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(),
                String.valueOf(omp));
    }

    /** Asks for {@code threads} everywhere ND4J lets us: libnd4j's limits and OpenBLAS's pool. */
    static void use(int threads) {
        Environment env = Nd4j.getEnvironment();
        env.setMaxThreads(threads);
        env.setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /**
     * What {@link io.lockstep.spark.train.SparkTrainer}'s workers set ({@link WorkerThreads#limitTo}): also the
     * OpenMP team size of the calling thread, so call it on the thread that computes.
     */
    static void useAsBarrierWorker(int threads) {
        WorkerThreads.limitTo(threads);
    }

    @Override
    public String toString() {
        return "maxThreads " + maxThreads + ", maxMasterThreads " + maxMasterThreads + ", BLAS " + blas + ", OpenMP "
                + omp;
    }
}
