package io.lockstep.data;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of pixel intensities scaled to [0, 1]: a feature is normalized as
 * {@code (pixel / 255 - mean[c]) / std[c]}.
 *
 * <p>The standard deviation is the population one (divide by N) over every pixel of every image of the channel,
 * the convention of torchvision's {@code Normalize} constants.
 */
public final class ChannelNormalization implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] std;

    public ChannelNormalization(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("need one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c]) || !(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("channel " + c + ": mean must be finite and std finite and > 0, got mean "
                        + mean[c] + ", std " + std[c]);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Measures the per-channel mean and population standard deviation of {@code images}, exactly: pixel sums
     * and sums of squares are integers, so the variance numerator {@code N * sum(x^2) - sum(x)^2} is formed
     * without rounding before the final division.
     */
    public static ChannelNormalization measure(LabeledImages images) {
        if (images.count() == 0) {
            throw new IllegalArgumentException("cannot measure the statistics of an empty dataset");
        }
        int channels = images.channels();
        long[] sum = new long[channels];
        long[] sumSquares = new long[channels];
        for (int i = 0; i < images.count(); i++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < images.height(); y++) {
                    for (int x = 0; x < images.width(); x++) {
                        int v = images.pixel(i, c, y, x);
                        sum[c] += v;
                        sumSquares[c] += (long) v * v;
                    }
                }
            }
        }
        long n = (long) images.count() * images.height() * images.width();
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            BigInteger numerator = BigInteger.valueOf(n).multiply(BigInteger.valueOf(sumSquares[c]))
                    .subtract(BigInteger.valueOf(sum[c]).pow(2));
            mean[c] = (double) sum[c] / n / 255.0;
            std[c] = Math.sqrt(numerator.doubleValue() / ((double) n * n)) / 255.0;
        }
        return new ChannelNormalization(mean, std);
    }

    public int channels() {
        return mean.length;
    }

    public double mean(int channel) {
        return mean[channel];
    }

    public double std(int channel) {
        return std[channel];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelNormalization other && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelNormalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
