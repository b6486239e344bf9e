package io.lockstep.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable image classification dataset in compact form: one byte per pixel and one byte per label.
 *
 * <p>Pixels are unsigned bytes in one array, image after image, each image channel-major ({@code C x H x W}:
 * all of channel 0 row by row, then channel 1, ...), which is CIFAR-10's on-disk layout and, with C = 1, MNIST's.
 * Labels are unsigned bytes in {@code 0 .. numClasses - 1}. A 60,000-image MNIST-sized set is 47 MB, a quarter of
 * its float form, which is why partitions of the training RDD hold this and not ND4J arrays; features are made
 * per mini-batch by {@link #toDataSet}.
 */
public final class LabeledImages implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The shape of the feature array that {@link #toDataSet} builds. */
    public enum FeatureShape {
        /** {@code [n, C * H * W]}, for dense networks. */
        FLAT,
        /** {@code [n, C, H, W]}, for convolutional networks (DL4J's default CNN format). */
        NCHW
    }

    private final byte[] pixels;
    private final byte[] labels;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;

    /** Takes ownership of the arrays: callers are this package's readers, which never touch them again. */
    private LabeledImages(byte[] pixels, byte[] labels, int numClasses, int channels, int height, int width) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be in 1..256 (labels are bytes), got " + numClasses);
        }
        long imageSize = (long) channels * height * width;
        if (pixels.length != labels.length * imageSize) {
            throw new IllegalArgumentException(labels.length + " labels need " + labels.length * imageSize
                    + " pixels of " + channels + "x" + height + "x" + width + " images, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (Byte.toUnsignedInt(labels[i]) >= numClasses) {
                throw new IllegalArgumentException("label " + Byte.toUnsignedInt(labels[i]) + " of example " + i
                        + " is out of range 0.." + (numClasses - 1));
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.numClasses = numClasses;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * A dataset holding copies of {@code pixels} ({@code labels.length * channels * height * width} unsigned bytes,
     * channel-major per image) and {@code labels} (unsigned bytes below {@code numClasses}).
     */
    public static LabeledImages of(byte[] pixels, byte[] labels, int numClasses, int channels, int height, int width) {
        return new LabeledImages(pixels.clone(), labels.clone(), numClasses, channels, height, width);
    }

    /** Like {@link #of} without the copies, for readers that hand over arrays they just filled. */
    static LabeledImages wrap(byte[] pixels, byte[] labels, int numClasses, int channels, int height, int width) {
        return new LabeledImages(pixels, labels, numClasses, channels, height, width);
    }

    /** Concatenates datasets of the same image geometry and class count, in list order. */
    public static LabeledImages concat(List<LabeledImages> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        LabeledImages first = parts.get(0);
        long count = 0;
        for (LabeledImages part : parts) {
            if (!part.sameGeometry(first)) {
                throw new IllegalArgumentException("cannot concatenate " + part.describeGeometry() + " with "
                        + first.describeGeometry());
            }
            count += part.count();
        }
        if (count * first.imageSize() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " images of " + first.describeGeometry()
                    + " do not fit in one Java array");
        }
        byte[] pixels = new byte[(int) count * first.imageSize()];
        byte[] labels = new byte[(int) count];
        int at = 0;
        for (LabeledImages part : parts) {
            System.arraycopy(part.pixels, 0, pixels, at * first.imageSize(), part.pixels.length);
            System.arraycopy(part.labels, 0, labels, at, part.labels.length);
            at += part.count();
        }
        return wrap(pixels, labels, first.numClasses, first.channels, first.height, first.width);
    }

    /** The examples at {@code indices}, in that order (repeats allowed). */
    public LabeledImages subset(int[] indices) {
        int size = imageSize();
        byte[] subsetPixels = new byte[Math.multiplyExact(indices.length, size)];
        byte[] subsetLabels = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], count());
            System.arraycopy(pixels, i * size, subsetPixels, k * size, size);
            subsetLabels[k] = labels[i];
        }
        return wrap(subsetPixels, subsetLabels, numClasses, channels, height, width);
    }

    public int count() {
        return labels.length;
    }

    public int numClasses() {
        return numClasses;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Pixels per image, {@code C * H * W}. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The class of example {@code i}, in {@code 0 .. numClasses - 1}. */
    public int label(int i) {
        return Byte.toUnsignedInt(labels[Objects.checkIndex(i, count())]);
    }

    /** The intensity, 0..255, of channel {@code c}, row {@code y}, column {@code x} of example {@code i}. */
    public int pixel(int i, int c, int y, int x) {
        Objects.checkIndex(i, count());
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return Byte.toUnsignedInt(pixels[i * imageSize() + (c * height + y) * width + x]);
    }

    /** A copy of example {@code i}'s {@code C * H * W} pixels, channel-major. */
    public byte[] image(int i) {
        int size = imageSize();
        int start = Objects.checkIndex(i, count()) * size;
        return Arrays.copyOfRange(pixels, start, start + size);
    }

    /** {@link #toDataSet(int[], FeatureShape, DataType, ChannelNormalization)} without normalization: features in [0, 1]. */
    public DataSet toDataSet(int[] indices, FeatureShape shape, DataType type) {
        return toDataSet(indices, shape, type, null);
    }

    /**
     * Builds a mini-batch of the examples at {@code indices}, in that order.
     *
     * <p>Features are {@code pixel / 255}, then, if {@code normalization} is not null,
     * {@code (pixel / 255 - mean[c]) / std[c]}, computed in double precision and rounded once to {@code type}.
     * Labels are one-hot {@code [n, numClasses]}.
     *
     * @param type a floating-point ND4J type, normally {@link DataType#FLOAT} or {@link DataType#DOUBLE}
     * @param normalization per-channel statistics with {@link #channels()} channels, or null for none
     */
    public DataSet toDataSet(int[] indices, FeatureShape shape, DataType type, ChannelNormalization normalization) {
        if (!type.isFPType()) {
            throw new IllegalArgumentException("features need a floating-point type, got " + type);
        }
        if (normalization != null && normalization.channels() != channels) {
            throw new IllegalArgumentException("normalization has " + normalization.channels()
                    + " channels, the images have " + channels);
        }
        // Every feature value is one of 256 per channel: tabulate them once.
        double[][] value = new double[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < 256; p++) {
                double scaled = p / 255.0;
                value[c][p] = normalization == null ? scaled : (scaled - normalization.mean(c)) / normalization.std(c);
            }
        }
        int n = indices.length;
        int size = imageSize();
        int plane = height * width;
        double[] features = new double[Math.multiplyExact(n, size)];
        double[] oneHot = new double[n * numClasses];
        for (int k = 0; k < n; k++) {
            int i = Objects.checkIndex(indices[k], count());
            for (int j = 0; j < size; j++) {
                features[k * size + j] = value[j / plane][Byte.toUnsignedInt(pixels[i * size + j])];
            }
            oneHot[k * numClasses + Byte.toUnsignedInt(labels[i])] = 1.0;
        }
        long[] featureShape = shape == FeatureShape.FLAT
                ? new long[] {n, size}
                : new long[] {n, channels, height, width};
        INDArray featureArray = Nd4j.create(features, featureShape, type);
        INDArray labelArray = Nd4j.create(oneHot, new long[] {n, numClasses}, type);
        return new DataSet(featureArray, labelArray);
    }

    private boolean sameGeometry(LabeledImages other) {
        return channels == other.channels && height == other.height && width == other.width
                && numClasses == other.numClasses;
    }

    private String describeGeometry() {
        return channels + "x" + height + "x" + width + " images in " + numClasses + " classes";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabeledImages other && sameGeometry(other)
                && Arrays.equals(labels, other.labels) && Arrays.equals(pixels, other.pixels);
    }

    /** Hashes geometry and labels only: pixels can be tens of megabytes. */
    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, numClasses, Arrays.hashCode(labels));
    }

    @Override
    public String toString() {
        return "LabeledImages[" + count() + " " + describeGeometry() + "]";
    }
}
