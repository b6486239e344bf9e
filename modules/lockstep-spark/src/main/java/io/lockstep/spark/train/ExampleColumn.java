package io.lockstep.spark.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One array of a set of examples (their features, or their labels) in compact form: the values of every example
 * in a Java array, example after example, each in C order. Double-precision data stays double; every other type
 * is held as float. Plain Java arrays, not ND4J ones: they live on the heap, where Spark accounts for them, and
 * serialize with any Spark serializer.
 */
public final class ExampleColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The shape of one example, without the leading example dimension. */
    private final long[] exampleShape;
    /** Values per example: the product of {@link #exampleShape}. */
    private final int width;
    /** Exactly one of the two holds the values. */
    private final float[] floats;
    private final double[] doubles;

    private ExampleColumn(long[] exampleShape, float[] floats, double[] doubles) {
        this.exampleShape = exampleShape;
        this.width = width(exampleShape);
        this.floats = floats;
        this.doubles = doubles;
    }

    /** An empty column of {@code count} examples of {@code exampleShape}, to be filled with {@link #set}. */
    static ExampleColumn allocate(long[] exampleShape, boolean doublePrecision, int count) {
        int length = Math.multiplyExact(count, width(exampleShape));
        return doublePrecision
                ? new ExampleColumn(exampleShape.clone(), null, new double[length])
                : new ExampleColumn(exampleShape.clone(), new float[length], null);
    }

    /** The values of a mini-batch array ({@code [n, ...]}), kept in double precision only if they are doubles. */
    static ExampleColumn of(INDArray batch) {
        long[] shape = batch.shape();
        long[] exampleShape = Arrays.copyOfRange(shape, 1, shape.length);
        INDArray compact = batch.dup('c');
        return batch.dataType() == DataType.DOUBLE
                ? new ExampleColumn(exampleShape, null, compact.data().asDouble())
                : new ExampleColumn(exampleShape, compact.data().asFloat(), null);
    }

    /** Whether the shape of every example is {@code exampleShape}. */
    boolean hasExampleShape(long[] shape) {
        return Arrays.equals(exampleShape, shape);
    }

    long[] exampleShape() {
        return exampleShape.clone();
    }

    boolean doublePrecision() {
        return doubles != null;
    }

    int count() {
        int length = doubles != null ? doubles.length : floats.length;
        return width == 0 ? 0 : length / width;
    }

    /** Copies example {@code from} of {@code source} (same shape and precision) into slot {@code to} of this column. */
    void set(int to, ExampleColumn source, int from) {
        if (doubles != null) {
            System.arraycopy(source.doubles, from * width, doubles, to * width, width);
        } else {
            System.arraycopy(source.floats, from * width, floats, to * width, width);
        }
    }

    /** A column of the examples at {@code indices}, in that order. */
    ExampleColumn select(int[] indices) {
        ExampleColumn selected = allocate(exampleShape, doublePrecision(), indices.length);
        for (int k = 0; k < indices.length; k++) {
            selected.set(k, this, Objects.checkIndex(indices[k], count()));
        }
        return selected;
    }

    /** The examples at {@code indices} as one array {@code [n, ...exampleShape]} of {@code type}. */
    INDArray rows(int[] indices, DataType type) {
        ExampleColumn selected = select(indices);
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = indices.length;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        INDArray array = selected.doubles != null
                ? Nd4j.create(selected.doubles, shape, DataType.DOUBLE)
                : Nd4j.create(selected.floats, shape, 'c');
        return array.dataType() == type ? array : array.castTo(type);
    }

    private static int width(long[] exampleShape) {
        long product = 1;
        for (long dimension : exampleShape) {
            product = Math.multiplyExact(product, dimension);
        }
        return Math.toIntExact(product);
    }
}
