package io.lockstep.zoo;

import io.lockstep.data.LabeledImages;
import java.util.SplittableRandom;

/**
 * Learnable synthetic CIFAR-format data: 3x32x32 uint8 images of dim random noise, each with one bright 8x8 block
 * whose colour and position are set by its class (class k: cell k of a 4x4 grid, colour k of a fixed palette),
 * jittered by a few pixels and intensity levels.
 */
final class ColorBlocks {
    private static final int SIZE = 32;
    private static final int BLOCK = 8;
    private static final int[][] PALETTE = {
        {230, 40, 40}, {40, 230, 40}, {40, 40, 230}, {230, 230, 40}, {230, 40, 230},
        {40, 230, 230}, {250, 250, 250}, {250, 140, 20}, {140, 20, 250}, {20, 250, 140}};

    private ColorBlocks() {
    }

    static LabeledImages of(long seed, int count, int classes) {
        if (classes > PALETTE.length) {
            throw new IllegalArgumentException("at most " + PALETTE.length + " classes");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int imageSize = 3 * SIZE * SIZE;
        byte[] pixels = new byte[count * imageSize];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(classes);
            labels[i] = (byte) label;
            int top = (label / 4) * BLOCK + random.nextInt(-2, 3);
            int left = (label % 4) * BLOCK + random.nextInt(-2, 3);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        boolean inBlock = y >= top && y < top + BLOCK && x >= left && x < left + BLOCK;
                        int value = inBlock ? PALETTE[label][c] + random.nextInt(-15, 6) : random.nextInt(64);
                        pixels[i * imageSize + (c * SIZE + y) * SIZE + x] = (byte) value;
                    }
                }
            }
        }
        return LabeledImages.of(pixels, labels, classes, 3, SIZE, SIZE);
    }
}
