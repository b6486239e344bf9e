package io.lockstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Norm-wise relative comparison: max |actual - expected| <= tolerance * max |expected|. */
public final class Closeness {
    private Closeness() {
    }

    public static double relativeError(INDArray expected, INDArray actual) {
        double[] e = expected.ravel().toDoubleVector();
        double[] a = actual.ravel().toDoubleVector();
        assertEquals(e.length, a.length, "lengths differ");
        double maxDiff = 0;
        double scale = 0;
        for (int i = 0; i < e.length; i++) {
            if (!Double.isFinite(a[i])) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        return scale == 0 ? maxDiff : maxDiff / scale;
    }

    public static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double error = relativeError(expected, actual);
        if (!(error <= tolerance)) {
            fail(what + ": relative error " + error + " exceeds " + tolerance);
        }
    }
}
