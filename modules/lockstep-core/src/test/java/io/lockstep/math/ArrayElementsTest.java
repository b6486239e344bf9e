package io.lockstep.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ArrayElementsTest {

    /** A layer's parameters are a view some way into the flat vector: its elements start at the view's offset. */
    @Test
    void readsAndWritesAViewAtItsOffset() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray flat = Nd4j.arange(20).castTo(type).reshape(1, 20);
            INDArray view = flat.get(NDArrayIndex.all(), NDArrayIndex.interval(5, 9));

            assertArrayEquals(new double[] {5, 6, 7, 8}, ArrayElements.of(view).toDoubles());

            ArrayElements.of(view).setAll(new double[] {-1, -2, -3, -4.25});
            double[] expected = flat.toDoubleVector();
            expected[5] = -1;
            expected[6] = -2;
            expected[7] = -3;
            expected[8] = -4.25;
            assertArrayEquals(expected, flat.toDoubleVector(), type.toString());
        }
    }

    @Test
    void setAllRoundsToTheArraysPrecision() {
        INDArray floats = Nd4j.zeros(DataType.FLOAT, 2);

        ArrayElements.of(floats).setAll(new double[] {0.1, 1.0 / 3});

        assertArrayEquals(new double[] {(float) 0.1, (float) (1.0 / 3)}, floats.toDoubleVector());
        assertArrayEquals(new double[] {(float) 0.1, (float) (1.0 / 3)}, ArrayElements.of(floats).toDoubles());
    }

    @Test
    void refusesAStridedView() {
        INDArray matrix = Nd4j.zeros(DataType.FLOAT, 4, 4);

        assertThrows(IllegalArgumentException.class, () -> ArrayElements.of(matrix.getColumn(1)));
    }
}
