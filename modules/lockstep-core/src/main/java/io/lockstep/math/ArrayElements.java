package io.lockstep.math;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * The elements of a dense, c-ordered float or double array in their linear order, read and written as doubles
 * straight in the array's memory: for loops in plain Java where a chain of ND4J ops would allocate, stride or make
 * several passes.
 */
public abstract class ArrayElements {
    private final int length;

    private ArrayElements(long length) {
        this.length = Math.toIntExact(length);
    }

    /**
     * Whether the array's elements lie one after the other in its buffer, in c order (any order for a vector such
     * as DL4J's flat [1, n] parameters or a layer's view of them): what {@link #of} takes.
     */
    public static boolean isDense(INDArray array) {
        return array.ordering() == 'c' && Shape.hasDefaultStridesForShape(array)
                || array.isVectorOrScalar() && array.elementWiseStride() == 1;
    }

    /** The array itself when it is dense, otherwise a dense copy (for reading). */
    public static INDArray dense(INDArray array) {
        return isDense(array) ? array : array.dup('c');
    }

    public static ArrayElements of(INDArray array) {
        if (array.dataType() == DataType.FLOAT) {
            return new Floats(floatBuffer(array), array.length());
        }
        if (array.dataType() == DataType.DOUBLE) {
            return new Doubles(denseData(array).asNioDouble().position(Math.toIntExact(array.offset())).slice(),
                    array.length());
        }
        throw new IllegalArgumentException("expected a float or double array, got " + array.dataType());
    }

    /** A dense float array's elements as a buffer that starts at its first element (for bulk copies). */
    public static FloatBuffer floatBuffer(INDArray array) {
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a float array, got " + array.dataType());
        }
        return denseData(array).asNioFloat().position(Math.toIntExact(array.offset())).slice();
    }

    /** The buffer of a dense array; a view's is its parent's whole buffer, the view starting offset() into it. */
    private static DataBuffer denseData(INDArray array) {
        if (!isDense(array)) {
            throw new IllegalArgumentException("expected a dense c-ordered array or vector, got " + array.shapeInfoToString());
        }
        return array.data();
    }

    public final int length() {
        return length;
    }

    public abstract double get(int i);

    /** Stores the value rounded to the array's precision and returns what was stored. */
    public abstract double set(int i, double value);

    /** The value rounded to the array's precision. */
    public abstract double round(double value);

    /** All elements as doubles, in one bulk copy. */
    public abstract double[] toDoubles();

    /** Sets the elements to {@code values} (rounded to the array's precision), in one bulk copy. */
    public final void setAll(double[] values) {
        if (values.length != length) {
            throw new IllegalArgumentException(values.length + " values for " + length + " elements");
        }
        store(values);
    }

    abstract void store(double[] values);

    /** Sum of squares of elements [from, to), accumulated in double. */
    public double sumOfSquares(int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double value = get(i);
            sum += value * value;
        }
        return sum;
    }

    private static final class Floats extends ArrayElements {
        private final FloatBuffer buffer;

        Floats(FloatBuffer buffer, long length) {
            super(length);
            this.buffer = buffer;
        }

        @Override
        public double get(int i) {
            return buffer.get(i);
        }

        @Override
        public double set(int i, double value) {
            float stored = (float) value;
            buffer.put(i, stored);
            return stored;
        }

        @Override
        public double round(double value) {
            return (float) value;
        }

        @Override
        public double[] toDoubles() {
            float[] floats = new float[length()];
            buffer.get(0, floats);
            double[] values = new double[floats.length];
            for (int i = 0; i < floats.length; i++) {
                values[i] = floats[i];
            }
            return values;
        }

        @Override
        void store(double[] values) {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            buffer.put(0, floats);
        }
    }

    private static final class Doubles extends ArrayElements {
        private final DoubleBuffer buffer;

        Doubles(DoubleBuffer buffer, long length) {
            super(length);
            this.buffer = buffer;
        }

        @Override
        public double get(int i) {
            return buffer.get(i);
        }

        @Override
        public double set(int i, double value) {
            buffer.put(i, value);
            return value;
        }

        @Override
        public double round(double value) {
            return value;
        }

        @Override
        public double[] toDoubles() {
            double[] values = new double[length()];
            buffer.get(0, values);
            return values;
        }

        @Override
        void store(double[] values) {
            buffer.put(0, values);
        }
    }
}
