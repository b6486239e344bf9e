package io.lockstep.testing;

import static io.lockstep.testing.Closeness.assertClose;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Parameter-by-parameter comparison of two networks with the same layout. */
public final class ParameterAssertions {
    private ParameterAssertions() {
    }

    /** Every parameter array (by DL4J key) of actual within tolerance of expected's, relative to its own scale. */
    public static void assertSameParameters(Model expected, Model actual, double tolerance) {
        Map<String, INDArray> expectedTable = expected.paramTable();
        Map<String, INDArray> actualTable = actual.paramTable();
        org.junit.jupiter.api.Assertions.assertEquals(expectedTable.keySet(), actualTable.keySet(), "parameter keys");
        for (Map.Entry<String, INDArray> entry : expectedTable.entrySet()) {
            assertClose(entry.getValue(), actualTable.get(entry.getKey()), tolerance, "parameter " + entry.getKey());
        }
    }
}
