package io.lockstep.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * The standard CIFAR training augmentation (He et al. 2016, section 4.2, after Lee et al. 2015): pad each image
 * with {@code padding} zero pixels on every side, crop a random {@code H x W} window (the original size) from it,
 * and mirror it horizontally with probability {@code flipProbability}. {@link #cifar()} is 4 pixels and 0.5:
 * torchvision's {@code RandomCrop(32, padding=4)} then {@code RandomHorizontalFlip()} on the uint8 image, so the
 * padding is black (pixel 0) before scaling and normalization.
 *
 * <p>Deterministic: the crop offset and the flip of an example are a pure function of (seed, epoch, example
 * index), a counter-based hash ({@link Draw#of}), not a stream of random numbers. So the same example gets the
 * same augmentation in a rerun, a retried Spark stage or a resumed run, whatever batch, worker or thread it is
 * processed in, and different epochs give (almost always) different augmentations. The example index is its
 * position in the {@link LabeledImages} passed to {@link #apply(LabeledImages, int[], long, int)}: a worker that
 * passes its shard keys by shard position, so the draws then also depend on the sharding (as the batches do).
 *
 * <p>It works on the compact uint8 form, before {@link LabeledImages#toDataSet}:
 * {@code augmentation.apply(shard, indices, seed, epoch).toDataSet(all, shape, type, normalization)}.
 *
 * @param padding         zero pixels added on each side before cropping, at least 0 (0: no crop)
 * @param flipProbability probability of a horizontal flip, in [0, 1]
 */
public record Augmentation(int padding, double flipProbability) implements Serializable {

    /** CIFAR's padding: crops are shifted by up to 4 pixels each way. */
    public static final int CIFAR_PADDING = 4;
    /** CIFAR's flip probability: mirror half of the images. */
    public static final double CIFAR_FLIP_PROBABILITY = 0.5;
    /** 2^64 / phi, SplitMix64's increment: separates the three values drawn per example. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flipProbability must be in [0, 1], got " + flipProbability);
        }
    }

    /** Pad 4, random 32x32 crop (for CIFAR's 32x32 images), flip with probability 0.5. */
    public static Augmentation cifar() {
        return new Augmentation(CIFAR_PADDING, CIFAR_FLIP_PROBABILITY);
    }

    public static Augmentation of(int padding, double flipProbability) {
        return new Augmentation(padding, flipProbability);
    }

    /**
     * One example's augmentation: the top-left corner of the crop in the padded image, each in
     * {@code 0 .. 2 * padding} (so {@code (padding, padding)} is the original image), and whether to mirror it.
     */
    public record Draw(int offsetY, int offsetX, boolean flip) implements Serializable {

        /** The unchanged image under any augmentation: the centre crop, not flipped. */
        public static Draw identity(Augmentation augmentation) {
            return new Draw(augmentation.padding(), augmentation.padding(), false);
        }

        /**
         * The draw of {@code example} in {@code epoch} of a run with {@code seed}: three values of a counter-based
         * generator, {@code h_j = mix(key + j * golden)} for j = 1, 2, 3 with {@code key = mix(mix(mix(seed) + epoch)
         * + example)} and {@code mix} the SplitMix64 finalizer (Steele, Lea &amp; Flood, "Fast splittable
         * pseudorandom number generators", OOPSLA 2014; Java's {@code SplittableRandom}). Offsets are
         * {@code floor(u * (2 * padding + 1))} and the flip is {@code u < flipProbability}, with
         * {@code u = (h >>> 11) * 2^-53} uniform in [0, 1).
         */
        static Draw of(Augmentation augmentation, long seed, int epoch, long example) {
            long key = mix(mix(mix(seed) + epoch) + example);
            int positions = 2 * augmentation.padding() + 1;
            int offsetY = (int) (unit(mix(key + GOLDEN)) * positions);
            int offsetX = (int) (unit(mix(key + 2 * GOLDEN)) * positions);
            boolean flip = unit(mix(key + 3 * GOLDEN)) < augmentation.flipProbability();
            return new Draw(offsetY, offsetX, flip);
        }
    }

    /** The augmentation of {@code example} (its index in the dataset) in {@code epoch} of a run with {@code seed}. */
    public Draw draw(long seed, int epoch, long example) {
        return Draw.of(this, seed, epoch, example);
    }

    /**
     * Augmented copies of the examples at {@code indices}, in that order (repeats allowed), with their labels. The
     * draw of each is keyed by its index in {@code images}; the input is not changed.
     */
    public LabeledImages apply(LabeledImages images, int[] indices, long seed, int epoch) {
        int c = images.channels();
        int h = images.height();
        int w = images.width();
        int size = images.imageSize();
        byte[] pixels = new byte[Math.multiplyExact(indices.length, size)];
        byte[] labels = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], images.count());
            byte[] augmented = apply(images.image(i), c, h, w, draw(seed, epoch, i));
            System.arraycopy(augmented, 0, pixels, k * size, size);
            labels[k] = (byte) images.label(i);
        }
        return LabeledImages.wrap(pixels, labels, images.numClasses(), c, h, w);
    }

    /**
     * One image ({@code C x H x W} uint8, channel-major) cropped and flipped as {@code draw} says:
     * <pre>
     *   out[c][y][x] = in[c][y + offsetY - padding][x' + offsetX - padding],  x' = flip ? W - 1 - x : x
     * </pre>
     * and 0 where that falls outside the image (the padding). A new array; the input is not changed.
     */
    public byte[] apply(byte[] image, int channels, int height, int width, Draw draw) {
        if (image.length != channels * height * width) {
            throw new IllegalArgumentException("a " + channels + "x" + height + "x" + width + " image has "
                    + channels * height * width + " pixels, got " + image.length);
        }
        int maxOffset = 2 * padding;
        if (draw.offsetY() < 0 || draw.offsetY() > maxOffset || draw.offsetX() < 0 || draw.offsetX() > maxOffset) {
            throw new IllegalArgumentException("crop offsets must be in 0.." + maxOffset + " for padding " + padding
                    + ", got " + draw);
        }
        int shiftY = draw.offsetY() - padding;
        int shiftX = draw.offsetX() - padding;
        byte[] out = new byte[image.length];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int sourceY = y + shiftY;
                if (sourceY < 0 || sourceY >= height) {
                    continue; // a row of padding: zeros
                }
                for (int x = 0; x < width; x++) {
                    int sourceX = (draw.flip() ? width - 1 - x : x) + shiftX;
                    if (sourceX >= 0 && sourceX < width) {
                        out[plane + y * width + x] = image[plane + sourceY * width + sourceX];
                    }
                }
            }
        }
        return out;
    }

    /** SplitMix64's output function (Stafford's Mix13): a bijection of 64-bit values with good avalanche. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The top 53 bits as a double uniform in [0, 1). */
    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
