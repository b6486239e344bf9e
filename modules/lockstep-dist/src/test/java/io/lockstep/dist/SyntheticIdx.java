package io.lockstep.dist;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A dataset in Fashion-MNIST's files and format (IDX, 28x28 grey, 10 classes, uncompressed names without .gz),
 * made up: each image is noise with a bright column whose position is its label, so that training learns something.
 * The integration tests use it because a fresh clone has no dataset and CI has no network but Maven Central.
 */
final class SyntheticIdx {
    static final int SIDE = 28;
    static final int CLASSES = 10;

    private SyntheticIdx() {
    }

    /** Writes train (count images) and t10k (testCount images) splits into dir. */
    static Path write(Path dir, int count, int testCount, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        split(dir, "train", count, random);
        split(dir, "t10k", testCount, random);
        return dir;
    }

    private static void split(Path dir, String prefix, int count, Random random) throws IOException {
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * SIDE * SIDE];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(CLASSES);
            labels[i] = (byte) label;
            for (int p = 0; p < SIDE * SIDE; p++) {
                pixels[i * SIDE * SIDE + p] = (byte) random.nextInt(64);
            }
            for (int row = 0; row < SIDE; row++) {
                pixels[i * SIDE * SIDE + row * SIDE + 4 + 2 * label] = (byte) 255;
            }
        }
        try (DataOutputStream out = stream(dir.resolve(prefix + "-images-idx3-ubyte"))) {
            out.writeInt(0x00000803); // unsigned byte, 3 dimensions
            out.writeInt(count);
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            out.write(pixels);
        }
        try (DataOutputStream out = stream(dir.resolve(prefix + "-labels-idx1-ubyte"))) {
            out.writeInt(0x00000801); // unsigned byte, 1 dimension
            out.writeInt(count);
            out.write(labels);
        }
    }

    private static DataOutputStream stream(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return new DataOutputStream(new java.io.BufferedOutputStream(out));
    }
}
