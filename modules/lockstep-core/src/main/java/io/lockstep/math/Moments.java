package io.lockstep.math;

import java.util.Arrays;
import java.util.List;

/**
 * Per-channel first and second moments of a batch: the example count, the mean and the sum of squared
 * deviations from the mean (M2), all in double precision.
 *
 * <p>Moments of disjoint shards merge exactly with the pairwise update of Chan, Golub and LeVeque (1979):
 * for shards a and b with n = n_a + n_b and delta = mean_b - mean_a,
 * <pre>
 *   mean = mean_a + delta * n_b / n
 *   M2   = M2_a + M2_b + delta^2 * n_a * n_b / n
 * </pre>
 * which, unlike E[x^2] - E[x]^2, never subtracts two large, nearly equal numbers. Empty shards (n = 0)
 * are neutral elements.
 */
public final class Moments {
    private final long count;
    private final double[] mean;
    private final double[] m2;

    public Moments(long count, double[] mean, double[] m2) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (mean.length != m2.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " channels, m2 has " + m2.length);
        }
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    /** The moments of no data: the neutral element of {@link #merge}. */
    public static Moments empty(int channels) {
        return new Moments(0, new double[channels], new double[channels]);
    }

    public long count() {
        return count;
    }

    public int channels() {
        return mean.length;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double mean(int channel) {
        return mean[channel];
    }

    public double m2(int channel) {
        return m2[channel];
    }

    /** Biased (population) variance M2 / n, the one batch norm normalizes with. */
    public double[] biasedVariance() {
        return variance(count);
    }

    /** Unbiased (sample) variance M2 / (n - 1); M2 / n when n <= 1. */
    public double[] unbiasedVariance() {
        return variance(Math.max(count - 1, 1));
    }

    private double[] variance(long divisor) {
        double[] var = new double[m2.length];
        for (int c = 0; c < var.length; c++) {
            var[c] = count == 0 ? 0 : m2[c] / divisor;
        }
        return var;
    }

    /** Chan et al. merge of two disjoint shards' moments. */
    public Moments merge(Moments other) {
        if (other.channels() != channels()) {
            throw new IllegalArgumentException("cannot merge " + channels() + " channels with " + other.channels());
        }
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        long n = count + other.count;
        double weightOther = (double) other.count / n;
        double crossWeight = (double) count * other.count / n;
        double[] mergedMean = new double[channels()];
        double[] mergedM2 = new double[channels()];
        for (int c = 0; c < mergedMean.length; c++) {
            double delta = other.mean[c] - mean[c];
            mergedMean[c] = mean[c] + delta * weightOther;
            mergedM2[c] = m2[c] + other.m2[c] + delta * delta * crossWeight;
        }
        return new Moments(n, mergedMean, mergedM2);
    }

    /** Merges shards left to right, so every caller that passes them in rank order gets bit-identical results. */
    public static Moments mergeInOrder(List<Moments> shards) {
        Moments merged = Moments.empty(shards.get(0).channels());
        for (Moments shard : shards) {
            merged = merged.merge(shard);
        }
        return merged;
    }

    /** Packs into one vector for a collective: # 1, C, C -> (2C + 1) = [count, mean..., m2...]. */
    public double[] pack() {
        int c = channels();
        double[] packed = new double[2 * c + 1];
        packed[0] = count;
        System.arraycopy(mean, 0, packed, 1, c);
        System.arraycopy(m2, 0, packed, 1 + c, c);
        return packed;
    }

    /** Inverse of {@link #pack}. */
    public static Moments unpack(double[] packed) {
        if (packed.length % 2 != 1) {
            throw new IllegalArgumentException("packed moments need 2C + 1 values, got " + packed.length);
        }
        int c = (packed.length - 1) / 2;
        return new Moments((long) packed[0],
                Arrays.copyOfRange(packed, 1, 1 + c),
                Arrays.copyOfRange(packed, 1 + c, 1 + 2 * c));
    }
}
