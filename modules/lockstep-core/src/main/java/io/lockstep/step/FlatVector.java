package io.lockstep.step;

import io.lockstep.math.ArrayElements;
import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A flat float or double vector in plain Java arrays: what travels between workers and the driver. */
public final class FlatVector implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] floats;
    private final double[] doubles;

    private FlatVector(float[] floats, double[] doubles) {
        this.floats = floats;
        this.doubles = doubles;
    }

    /** A copy of a float or double array's values, in its linear ('c') order. */
    public static FlatVector of(INDArray array) {
        INDArray flat = array.ravel();
        return switch (array.dataType()) {
            case FLOAT -> new FlatVector(flat.toFloatVector(), null);
            case DOUBLE -> new FlatVector(null, flat.toDoubleVector());
            default -> throw new IllegalArgumentException("Lockstep trains in float or double, not " + array.dataType());
        };
    }

    public static FlatVector zeros(DataType dataType, int length) {
        return switch (dataType) {
            case FLOAT -> new FlatVector(new float[length], null);
            case DOUBLE -> new FlatVector(null, new double[length]);
            default -> throw new IllegalArgumentException("Lockstep trains in float or double, not " + dataType);
        };
    }

    public DataType dataType() {
        return floats != null ? DataType.FLOAT : DataType.DOUBLE;
    }

    public int length() {
        return floats != null ? floats.length : doubles.length;
    }

    /** A new row vector [1, n] holding these values. */
    public INDArray toRowVector() {
        INDArray vector = floats != null ? Nd4j.createFromArray(floats) : Nd4j.createFromArray(doubles);
        return vector.reshape(1, length());
    }

    /** Copies these values into a dense array of the same length (any shape, linear order). */
    public void copyInto(INDArray target) {
        requireLength(target);
        ArrayElements elements = ArrayElements.of(target);
        for (int i = 0; i < elements.length(); i++) {
            elements.set(i, get(i));
        }
    }

    /** target += this, for a dense target (in the target's precision, as ND4J's addi after a cast). */
    public void addTo(INDArray target) {
        requireLength(target);
        ArrayElements elements = ArrayElements.of(target);
        for (int i = 0; i < elements.length(); i++) {
            elements.set(i, elements.get(i) + elements.round(get(i)));
        }
    }

    private double get(int i) {
        return floats != null ? floats[i] : doubles[i];
    }

    private void requireLength(INDArray target) {
        if (target.length() != length()) {
            throw new IllegalArgumentException("vector of length " + length() + " does not fit " + target.length());
        }
    }
}
