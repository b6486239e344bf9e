package io.lockstep.runner;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** The threads a worker's computation may use, where ND4J 1.0.0-M2 lets them be limited. */
public final class WorkerThreads {
    private WorkerThreads() {
    }

    /**
     * Limits the calling thread's computation to {@code threads}: libnd4j's two limits (process-wide); OpenBLAS's own
     * pool (every matrix multiply: dense layers and im2col convolutions; left at the JVM's cores, W tasks in one JVM
     * oversubscribe them, measured: 494 ms a step instead of 151 ms); and the calling thread's OpenMP team size
     * (libnd4j reports 4 on 2 cores): it sizes the teams of the oneDNN convolutions this thread starts, whose idle
     * members spin and take the cores from the others. Call it on the thread that computes.
     */
    public static void limitTo(int threads) {
        Environment env = Nd4j.getEnvironment();
        env.setMaxThreads(threads);
        env.setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }
}
