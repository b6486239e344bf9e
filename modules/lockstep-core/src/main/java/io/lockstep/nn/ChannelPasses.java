package io.lockstep.nn;

import io.lockstep.math.ArrayElements;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm's per-channel passes over an activation tensor, each one linear walk over its memory in plain Java,
 * accumulating in double. libnd4j's broadcasts along the channel dimension of NCHW input stride across memory
 * (about 5x slower than an element-wise pass) and its reductions run at a third of memory speed; fusing the
 * layer's arithmetic into these passes reads each tensor 2-3 times per step instead of about 15.
 *
 * The tensors must be dense ({@link ArrayElements#dense}).
 *
 * <p>Float tensors take the element-wise passes (center, scale and shift, combine) in float arithmetic on float[]
 * copies, which the JIT compiles to vector instructions: about 10x the double path, whose conversions to and from
 * double keep it scalar (measured 0.3 against 3.2 ns an element on LeNet-5's first BN tensor). The reductions
 * always accumulate in double.
 *
 * <p>In a c-ordered tensor, element i belongs to channel (i / run) mod C, where run is the number of consecutive
 * elements of one channel: H * W for NCHW, 1 for [N, C] and NHWC.
 */
final class ChannelPasses {
    private static final int POSITIVE_INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    private final int channels;
    private final int run;

    ChannelPasses(int channels, int run) {
        this.channels = channels;
        this.run = run;
    }

    /** Per-channel mean of x, rounded to x's precision (so that x - mean is exact where Sterbenz applies). */
    double[] mean(INDArray x) {
        ArrayElements in = ArrayElements.of(x);
        double[] sum = new double[channels];
        for (int block = 0, i = 0; i < in.length(); block++) {
            int c = block % channels;
            double s = 0;
            for (int end = i + run; i < end; i++) {
                s += in.get(i);
            }
            sum[c] += s;
        }
        long count = in.length() / channels;
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = in.round(sum[c] / count);
        }
        return mean;
    }

    /**
     * d = x - shift per channel; returns # C, C -> 2C = [sum(d)..., sum(d^2)...] of d as stored. The shift has x's
     * precision, so float and double arithmetic store the same d.
     */
    double[] center(INDArray x, double[] shift, INDArray d) {
        if (FloatCopies.apply(x, d)) {
            int length = (int) x.length();
            float[] in = FloatCopies.read(x, 0);
            float[] out = FloatCopies.scratch(1, length);
            for (int block = 0, i = 0; i < length; block++) {
                float s = (float) shift[block % channels];
                for (int end = i + run; i < end; i++) {
                    out[i] = in[i] - s;
                }
            }
            FloatCopies.write(out, d);
        } else {
            ArrayElements in = ArrayElements.of(x);
            ArrayElements out = ArrayElements.of(d);
            for (int block = 0, i = 0; i < in.length(); block++) {
                double s = shift[block % channels];
                for (int end = i + run; i < end; i++) {
                    out.set(i, in.get(i) - s);
                }
            }
        }
        return sumsAndSquares(d);
    }

    /** # C, C -> 2C = [sum(d)..., sum(d^2)...] per channel. */
    private double[] sumsAndSquares(INDArray d) {
        ArrayElements values = ArrayElements.of(d);
        double[] sums = new double[2 * channels];
        for (int block = 0, i = 0; i < values.length(); block++) {
            int c = block % channels;
            double sum = 0;
            double squares = 0;
            for (int end = i + run; i < end; i++) {
                double value = values.get(i);
                sum += value;
                squares += value * value;
            }
            sums[c] += sum;
            sums[channels + c] += squares;
        }
        return sums;
    }

    /**
     * out = in * scale + bias per channel (out may be in); with {@code relu}, then max(0, .) (NaN stays NaN, -0.0
     * becomes 0.0).
     */
    void scaleAndShift(INDArray in, double[] scale, double[] bias, boolean relu, INDArray out) {
        if (FloatCopies.apply(in, out)) {
            int length = (int) in.length();
            float[] source = FloatCopies.read(in, 0);
            float[] target = FloatCopies.scratch(1, length);
            for (int block = 0, i = 0; i < length; block++) {
                float a = (float) scale[block % channels];
                float b = (float) bias[block % channels];
                for (int end = i + run; i < end; i++) {
                    float y = source[i] * a + b;
                    target[i] = relu ? Math.max(y, 0f) : y;
                }
            }
            FloatCopies.write(target, out);
            return;
        }
        ArrayElements source = ArrayElements.of(in);
        ArrayElements target = ArrayElements.of(out);
        for (int block = 0, i = 0; i < source.length(); block++) {
            int c = block % channels;
            double a = scale[c];
            double b = bias[c];
            for (int end = i + run; i < end; i++) {
                double y = source.get(i) * a + b;
                target.set(i, relu ? Math.max(y, 0.0) : y);
            }
        }
    }

    /**
     * The backward pass of a ReLU after {@link #scaleAndShift}{@code (d, scale, bias, true, .)}: g = dy where its
     * input y = d * scale + bias, recomputed with the same arithmetic, is > 0, else 0 (DL4J's {@code relu_bp}).
     */
    void reluGradient(INDArray dy, INDArray d, double[] scale, double[] bias, INDArray g) {
        if (FloatCopies.apply(dy, d, g)) {
            int length = (int) dy.length();
            float[] gradient = FloatCopies.read(dy, 0);
            float[] centered = FloatCopies.read(d, 1);
            float[] target = FloatCopies.scratch(2, length);
            for (int block = 0, i = 0; i < length; block++) {
                float a = (float) scale[block % channels];
                float b = (float) bias[block % channels];
                for (int end = i + run; i < end; i++) {
                    target[i] = wherePositive(gradient[i], centered[i] * a + b);
                }
            }
            FloatCopies.write(target, g);
            return;
        }
        ArrayElements gradient = ArrayElements.of(dy);
        ArrayElements centered = ArrayElements.of(d);
        ArrayElements target = ArrayElements.of(g);
        for (int block = 0, i = 0; i < gradient.length(); block++) {
            int c = block % channels;
            double a = scale[c];
            double b = bias[c];
            for (int end = i + run; i < end; i++) {
                target.set(i, centered.get(i) * a + b > 0 ? gradient.get(i) : 0);
            }
        }
    }

    /**
     * g where y > 0, else +0 (for NaN too), without a branch: half the ReLU's inputs are negative at random, and
     * a branch per element mispredicts half the time (measured 6 ns an element against 0.7). With b = bits(y) - 1,
     * y > 0 exactly when 0 <= b < bits(+inf), i.e. when b - bits(+inf) is negative and b is not: the sign bit of
     * (b - bits(+inf)) & ~b, which the arithmetic shift spreads into a mask of g's bits.
     */
    private static float wherePositive(float g, float y) {
        int b = Float.floatToRawIntBits(y) - 1;
        int mask = ((b - POSITIVE_INFINITY_BITS) & ~b) >> 31;
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & mask);
    }

    /** Returns # C, C -> 2C = [sum(dy)..., sum(dy * d)...] per channel. */
    double[] sums(INDArray dy, INDArray d) {
        ArrayElements gradient = ArrayElements.of(dy);
        ArrayElements centered = ArrayElements.of(d);
        double[] sums = new double[2 * channels];
        for (int block = 0, i = 0; i < gradient.length(); block++) {
            int c = block % channels;
            double sum = 0;
            double product = 0;
            for (int end = i + run; i < end; i++) {
                double g = gradient.get(i);
                sum += g;
                product += g * centered.get(i);
            }
            sums[c] += sum;
            sums[channels + c] += product;
        }
        return sums;
    }

    /** dx = a * dy + b * d + c per channel. */
    void combine(INDArray dy, double[] a, INDArray d, double[] b, double[] c, INDArray dx) {
        if (FloatCopies.apply(dy, d, dx)) {
            int length = (int) dy.length();
            float[] gradient = FloatCopies.read(dy, 0);
            float[] centered = FloatCopies.read(d, 1);
            float[] target = FloatCopies.scratch(2, length);
            for (int block = 0, i = 0; i < length; block++) {
                int ch = block % channels;
                float ac = (float) a[ch];
                float bc = (float) b[ch];
                float cc = (float) c[ch];
                for (int end = i + run; i < end; i++) {
                    target[i] = ac * gradient[i] + bc * centered[i] + cc;
                }
            }
            FloatCopies.write(target, dx);
            return;
        }
        ArrayElements gradient = ArrayElements.of(dy);
        ArrayElements centered = ArrayElements.of(d);
        ArrayElements target = ArrayElements.of(dx);
        for (int block = 0, i = 0; i < gradient.length(); block++) {
            int ch = block % channels;
            double ac = a[ch];
            double bc = b[ch];
            double cc = c[ch];
            for (int end = i + run; i < end; i++) {
                target.set(i, ac * gradient.get(i) + bc * centered.get(i) + cc);
            }
        }
    }

    /** Float tensors as float[] copies, in per-thread scratch arrays that grow to the largest tensor and stay. */
    private static final class FloatCopies {
        private static final int SLOTS = 3;
        private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

        private FloatCopies() {
        }

        /** Whether the float path applies: every tensor is float (they are dense, as the class requires). */
        static boolean apply(INDArray... tensors) {
            for (INDArray tensor : tensors) {
                if (tensor.dataType() != DataType.FLOAT) {
                    return false;
                }
            }
            return true;
        }

        /** The tensor's elements at the start of scratch slot {@code slot}, which may be longer. */
        static float[] read(INDArray tensor, int slot) {
            float[] copy = scratch(slot, Math.toIntExact(tensor.length()));
            ArrayElements.floatBuffer(tensor).get(0, copy, 0, (int) tensor.length());
            return copy;
        }

        static void write(float[] values, INDArray tensor) {
            ArrayElements.floatBuffer(tensor).put(0, values, 0, (int) tensor.length());
        }

        static float[] scratch(int slot, int length) {
            float[][] slots = SCRATCH.get();
            if (slots[slot].length < length) {
                slots[slot] = new float[length];
            }
            return slots[slot];
        }
    }
}
