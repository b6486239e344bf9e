package io.lockstep.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    private static ConfusionMatrix of(int[][] pairs) {
        ConfusionMatrix matrix = new ConfusionMatrix(3);
        for (int[] pair : pairs) {
            matrix.add(pair[0], pair[1]);
        }
        return matrix;
    }

    @Test
    void accuracyIsTheDiagonalOverTheTotal() {
        ConfusionMatrix matrix = of(new int[][] {{0, 0}, {0, 1}, {1, 1}, {2, 2}, {2, 0}});
        assertEquals(3.0 / 5, matrix.accuracy(), 1e-15);
    }

    @Test
    void perClassAccuracyIsRecallAndNanForAnAbsentClass() {
        ConfusionMatrix matrix = of(new int[][] {{0, 0}, {0, 1}, {1, 1}});
        double[] perClass = matrix.perClassAccuracy();
        assertEquals(0.5, perClass[0]);
        assertEquals(1.0, perClass[1]);
        assertEquals(Double.NaN, perClass[2]);
    }

    @Test
    void mergeAddsCounts() {
        ConfusionMatrix merged = of(new int[][] {{0, 1}, {2, 2}}).merge(of(new int[][] {{0, 1}, {1, 0}}));
        assertEquals(2, merged.count(0, 1));
        assertEquals(1, merged.count(1, 0));
        assertEquals(4, merged.total());
        assertArrayEquals(new long[] {0, 2, 0}, merged.counts()[0]);
    }

    @Test
    void matricesOfDifferentSizesDoNotMerge() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).merge(new ConfusionMatrix(4)));
    }
}
