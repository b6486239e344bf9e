package io.lockstep.nn;

import io.lockstep.math.ArrayElements;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One SyncBN layer's per-channel passes over its activation tensors, in plain Java on an array copy of each tensor
 * that comes in (one bulk copy) and of each that goes out. libnd4j's broadcasts along the channel dimension of NCHW
 * input stride across memory (about 5x slower than an element-wise pass) and its reductions run at a third of
 * memory speed; here each tensor crosses between ND4J's memory and the Java heap once per step, and every pass
 * after that walks an array that is already in cache.
 *
 * <p>A training step calls, in this order: {@link #center} and {@link #normalize} in the forward pass,
 * {@link #gradientSums} and {@link #inputGradient} in the backward pass. The instance keeps d = x - shift from the
 * first to the last, and the output gradient g between the last two. {@link #scaleAndShift} is inference's one pass.
 * Reductions accumulate in double; element-wise arithmetic runs in the tensor's precision ({@link Floats}, which
 * the JIT compiles to vector instructions, or {@link Doubles}).
 *
 * <p>The tensors must be dense ({@link ArrayElements#dense}). In a c-ordered tensor, element i belongs to channel
 * (i / run) mod C, where run is the number of consecutive elements of one channel: H * W for NCHW, 1 for [N, C]
 * and NHWC.
 */
abstract class ChannelPasses {
    final int channels;
    final int run;

    ChannelPasses(int channels, int run) {
        this.channels = channels;
        this.run = run;
    }

    static ChannelPasses of(DataType dataType, int channels, int run) {
        return switch (dataType) {
            case FLOAT -> new Floats(channels, run);
            case DOUBLE -> new Doubles(channels, run);
            default -> throw new IllegalArgumentException("batch norm runs in float or double, got " + dataType);
        };
    }

    boolean fits(DataType dataType, int channels, int run) {
        return dataType() == dataType && this.channels == channels && this.run == run;
    }

    abstract DataType dataType();

    /**
     * The per-channel shift s = mean of x rounded to x's precision, and d = x - s, which this keeps. s has x's
     * precision, so float and double arithmetic store the same d (exact where Sterbenz applies).
     */
    abstract Centering center(INDArray x);

    /** y = d * scale + bias per channel into {@code out}; with {@code relu}, then max(0, y) (NaN stays NaN). */
    abstract void normalize(double[] scale, double[] bias, boolean relu, INDArray out);

    /**
     * Takes the output gradient dy, as g = dy, or with a ReLU after {@link #normalize}{@code (reluScale, reluBias,
     * true, .)} as g = dy where d * reluScale + reluBias (recomputed with the same arithmetic) is > 0, else 0
     * (DL4J's {@code relu_bp}); keeps g and returns # C, C -> 2C = [sum(g)..., sum(g * d)...].
     *
     * @param reluScale null when no ReLU follows
     */
    abstract double[] gradientSums(INDArray dy, double[] reluScale, double[] reluBias);

    /** dx = a * g + w * d + k per channel into {@code dx}; the end of the step. */
    abstract void inputGradient(double[] a, double[] w, double[] k, INDArray dx);

    /** out = x * scale + bias per channel; with {@code relu}, then max(0, .). Keeps nothing. */
    abstract void scaleAndShift(INDArray x, double[] scale, double[] bias, boolean relu, INDArray out);

    /**
     * @param shift per channel, in the tensor's precision
     * @param sums  # C, C -> 2C = [sum(d)..., sum(d^2)...]
     */
    record Centering(double[] shift, double[] sums) {
    }

    /** Float tensors, in float arithmetic on float[] copies that grow to the largest tensor and stay. */
    static final class Floats extends ChannelPasses {
        private static final int POSITIVE_INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

        /** d, from center to inputGradient, in its first {@code length} elements. */
        private float[] centered = new float[0];
        /** g, from gradientSums to inputGradient; the output's scratch otherwise. */
        private float[] work = new float[0];
        private int length;

        Floats(int channels, int run) {
            super(channels, run);
        }

        @Override
        DataType dataType() {
            return DataType.FLOAT;
        }

        @Override
        Centering center(INDArray x) {
            length = Math.toIntExact(x.length());
            float[] d = centered = read(x, centered);
            double[] sum = new double[channels];
            for (int block = 0, i = 0; i < length; block++) {
                double s = 0;
                for (int end = i + run; i < end; i++) {
                    s += d[i];
                }
                sum[block % channels] += s;
            }
            long count = length / channels;
            double[] shift = new double[channels];
            for (int c = 0; c < channels; c++) {
                shift[c] = (float) (sum[c] / count);
            }
            for (int block = 0, i = 0; i < length; block++) {
                float s = (float) shift[block % channels];
                for (int end = i + run; i < end; i++) {
                    d[i] -= s;
                }
            }
            double[] sums = new double[2 * channels];
            for (int block = 0, i = 0; i < length; block++) {
                double s = 0;
                double squares = 0;
                for (int end = i + run; i < end; i++) {
                    double value = d[i];
                    s += value;
                    squares += value * value;
                }
                sums[block % channels] += s;
                sums[channels + block % channels] += squares;
            }
            return new Centering(shift, sums);
        }

        @Override
        void normalize(double[] scale, double[] bias, boolean relu, INDArray out) {
            work = grown(work, length);
            affine(centered, length, scale, bias, relu, work);
            write(work, length, out);
        }

        @Override
        double[] gradientSums(INDArray dy, double[] reluScale, double[] reluBias) {
            float[] g = work = read(dy, work);
            float[] d = centered;
            if (reluScale != null) {
                for (int block = 0, i = 0; i < length; block++) {
                    float a = (float) reluScale[block % channels];
                    float b = (float) reluBias[block % channels];
                    for (int end = i + run; i < end; i++) {
                        g[i] = wherePositive(g[i], d[i] * a + b);
                    }
                }
            }
            double[] sums = new double[2 * channels];
            for (int block = 0, i = 0; i < length; block++) {
                double sum = 0;
                double product = 0;
                for (int end = i + run; i < end; i++) {
                    double gradient = g[i];
                    sum += gradient;
                    product += gradient * d[i];
                }
                sums[block % channels] += sum;
                sums[channels + block % channels] += product;
            }
            return sums;
        }

        @Override
        void inputGradient(double[] a, double[] w, double[] k, INDArray dx) {
            float[] g = work;
            float[] d = centered;
            for (int block = 0, i = 0; i < length; block++) {
                int c = block % channels;
                float ac = (float) a[c];
                float wc = (float) w[c];
                float kc = (float) k[c];
                for (int end = i + run; i < end; i++) {
                    g[i] = ac * g[i] + wc * d[i] + kc;
                }
            }
            write(g, length, dx);
        }

        @Override
        void scaleAndShift(INDArray x, double[] scale, double[] bias, boolean relu, INDArray out) {
            int n = Math.toIntExact(x.length());
            float[] values = work = read(x, work);
            affine(values, n, scale, bias, relu, values);
            write(values, n, out);
        }

        /** target = source * scale + bias per channel (target may be source), then max(0, .) with relu. */
        private void affine(float[] source, int n, double[] scale, double[] bias, boolean relu, float[] target) {
            for (int block = 0, i = 0; i < n; block++) {
                float a = (float) scale[block % channels];
                float b = (float) bias[block % channels];
                for (int end = i + run; i < end; i++) {
                    float y = source[i] * a + b;
                    target[i] = relu ? Math.max(y, 0f) : y;
                }
            }
        }

        /**
         * g where y > 0, else +0 (for NaN too), without a branch: half the ReLU's inputs are negative at random,
         * and a branch per element mispredicts half the time (measured 6 ns an element against 0.7). With
         * b = bits(y) - 1, y > 0 exactly when 0 <= b < bits(+inf), i.e. when b - bits(+inf) is negative and b is
         * not: the sign bit of (b - bits(+inf)) & ~b, which the arithmetic shift spreads into a mask of g's bits.
         */
        private static float wherePositive(float g, float y) {
            int b = Float.floatToRawIntBits(y) - 1;
            int mask = ((b - POSITIVE_INFINITY_BITS) & ~b) >> 31;
            return Float.intBitsToFloat(Float.floatToRawIntBits(g) & mask);
        }

        /** The tensor's elements at the start of {@code into}, or of a new array where it is too short. */
        private static float[] read(INDArray tensor, float[] into) {
            int n = Math.toIntExact(tensor.length());
            float[] copy = grown(into, n);
            ArrayElements.floatBuffer(tensor).get(0, copy, 0, n);
            return copy;
        }

        private static float[] grown(float[] array, int n) {
            return array.length < n ? new float[n] : array;
        }

        private static void write(float[] values, int n, INDArray tensor) {
            ArrayElements.floatBuffer(tensor).put(0, values, 0, n);
        }
    }

    /** Double tensors (the exactness tests' precision), in double arithmetic on double[] copies. */
    static final class Doubles extends ChannelPasses {
        private double[] centered;
        private double[] gradient;

        Doubles(int channels, int run) {
            super(channels, run);
        }

        @Override
        DataType dataType() {
            return DataType.DOUBLE;
        }

        @Override
        Centering center(INDArray x) {
            double[] d = ArrayElements.of(x).toDoubles();
            double[] sum = new double[channels];
            for (int block = 0, i = 0; i < d.length; block++) {
                double s = 0;
                for (int end = i + run; i < end; i++) {
                    s += d[i];
                }
                sum[block % channels] += s;
            }
            long count = d.length / channels;
            double[] shift = new double[channels];
            for (int c = 0; c < channels; c++) {
                shift[c] = sum[c] / count;
            }
            double[] sums = new double[2 * channels];
            for (int block = 0, i = 0; i < d.length; block++) {
                int c = block % channels;
                double s = 0;
                double squares = 0;
                for (int end = i + run; i < end; i++) {
                    d[i] -= shift[c];
                    s += d[i];
                    squares += d[i] * d[i];
                }
                sums[c] += s;
                sums[channels + c] += squares;
            }
            centered = d;
            return new Centering(shift, sums);
        }

        @Override
        void normalize(double[] scale, double[] bias, boolean relu, INDArray out) {
            ArrayElements.of(out).setAll(affine(centered, scale, bias, relu));
        }

        @Override
        double[] gradientSums(INDArray dy, double[] reluScale, double[] reluBias) {
            double[] g = ArrayElements.of(dy).toDoubles();
            double[] d = centered;
            double[] sums = new double[2 * channels];
            for (int block = 0, i = 0; i < g.length; block++) {
                int c = block % channels;
                double sum = 0;
                double product = 0;
                for (int end = i + run; i < end; i++) {
                    if (reluScale != null && !(d[i] * reluScale[c] + reluBias[c] > 0)) {
                        g[i] = 0;
                    }
                    sum += g[i];
                    product += g[i] * d[i];
                }
                sums[c] += sum;
                sums[channels + c] += product;
            }
            gradient = g;
            return sums;
        }

        @Override
        void inputGradient(double[] a, double[] w, double[] k, INDArray dx) {
            double[] g = gradient;
            double[] d = centered;
            for (int block = 0, i = 0; i < g.length; block++) {
                int c = block % channels;
                for (int end = i + run; i < end; i++) {
                    g[i] = a[c] * g[i] + w[c] * d[i] + k[c];
                }
            }
            ArrayElements.of(dx).setAll(g);
            centered = null;
            gradient = null;
        }

        @Override
        void scaleAndShift(INDArray x, double[] scale, double[] bias, boolean relu, INDArray out) {
            ArrayElements.of(out).setAll(
                    affine(ArrayElements.of(x).toDoubles(), scale, bias, relu));
        }

        /** source * scale + bias per channel, then max(0, .) with relu. */
        private double[] affine(double[] source, double[] scale, double[] bias, boolean relu) {
            double[] target = new double[source.length];
            for (int block = 0, i = 0; i < source.length; block++) {
                int c = block % channels;
                for (int end = i + run; i < end; i++) {
                    double y = source[i] * scale[c] + bias[c];
                    target[i] = relu ? Math.max(y, 0.0) : y;
                }
            }
            return target;
        }
    }
}
