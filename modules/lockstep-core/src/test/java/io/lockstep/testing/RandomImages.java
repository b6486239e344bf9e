package io.lockstep.testing;

import io.lockstep.data.LabeledImages;
import java.util.Random;

/** Reproducible random 28x28 grey images in 10 classes: noise that a network can still fit a few steps of. */
public final class RandomImages {
    private static final int SIDE = 28;
    private static final int CLASSES = 10;

    private RandomImages() {
    }

    /** {@code count} images of uniform random pixels with uniform random labels, drawn from {@code new Random(seed)}. */
    public static LabeledImages of(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * SIDE * SIDE];
        byte[] labels = new byte[count];
        random.nextBytes(pixels);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) random.nextInt(CLASSES);
        }
        return LabeledImages.of(pixels, labels, CLASSES, 1, SIDE, SIDE);
    }
}
