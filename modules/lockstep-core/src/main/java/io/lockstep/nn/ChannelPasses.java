package io.lockstep.nn;

import io.lockstep.math.ArrayElements;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm's per-channel passes over an activation tensor, each one linear walk over its memory in plain Java,
 * accumulating in double. libnd4j's broadcasts along the channel dimension of NCHW input stride across memory
 * (about 5x slower than an element-wise pass) and its reductions run at a third of memory speed; fusing the
 * layer's arithmetic into these passes reads each tensor 2-3 times per step instead of about 15.
 *
 * The tensors must be dense ({@link ArrayElements#dense}).
 *
 * <p>In a c-ordered tensor, element i belongs to channel (i / run) mod C, where run is the number of consecutive
 * elements of one channel: H * W for NCHW, 1 for [N, C] and NHWC.
 */
final class ChannelPasses {
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

    /** d = x - shift per channel; returns # C, C -> 2C = [sum(d)..., sum(d^2)...] of d as stored. */
    double[] center(INDArray x, double[] shift, INDArray d) {
        ArrayElements in = ArrayElements.of(x);
        ArrayElements out = ArrayElements.of(d);
        double[] sums = new double[2 * channels];
        for (int block = 0, i = 0; i < in.length(); block++) {
            int c = block % channels;
            double s = shift[c];
            double sum = 0;
            double squares = 0;
            for (int end = i + run; i < end; i++) {
                double value = out.set(i, in.get(i) - s);
                sum += value;
                squares += value * value;
            }
            sums[c] += sum;
            sums[channels + c] += squares;
        }
        return sums;
    }

    /** out = in * scale + bias per channel (out may be in). */
    void scaleAndShift(INDArray in, double[] scale, double[] bias, INDArray out) {
        ArrayElements source = ArrayElements.of(in);
        ArrayElements target = ArrayElements.of(out);
        for (int block = 0, i = 0; i < source.length(); block++) {
            int c = block % channels;
            double a = scale[c];
            double b = bias[c];
            for (int end = i + run; i < end; i++) {
                target.set(i, source.get(i) * a + b);
            }
        }
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
}
