package io.lockstep.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small, easy, Fashion-MNIST-format dataset: the 4 gzipped IDX files of the standard layout, 10 classes,
 * each class a bright {@code side/4 x side/4} block at its own place on a noisy dark background. Any network that
 * learns anything gets it nearly all right.
 */
final class SyntheticImages {
    static final int CLASSES = 10;

    private SyntheticImages() {
    }

    /** Writes {@code train} and {@code test} images of {@code side x side} into {@code dir}. */
    static Path write(Path dir, int train, int test, int side, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        writeSplit(dir, "train", train, side, random);
        writeSplit(dir, "t10k", test, side, random);
        return dir;
    }

    /** An images file with a wrong magic number, for the data-error tests. */
    static void writeCorruptImages(Path dir, int count, int side, long seed) throws IOException {
        write(dir, count, count, side, seed);
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(
                Files.newOutputStream(dir.resolve("train-images-idx3-ubyte.gz"))))) {
            out.writeInt(0x00000801);
            out.writeInt(count);
        }
    }

    private static void writeSplit(Path dir, String prefix, int count, int side, SplittableRandom random)
            throws IOException {
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * side * side];
        int block = side / 4;
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES;
            labels[i] = (byte) label;
            int top = (label / 4) * block + block / 2;
            int left = (label % 4) * block;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    boolean inBlock = y >= top && y < top + block && x >= left && x < left + block;
                    int value = inBlock ? 180 + random.nextInt(76) : random.nextInt(60);
                    pixels[i * side * side + y * side + x] = (byte) value;
                }
            }
        }
        try (DataOutputStream out = gzipped(dir.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(side);
            out.writeInt(side);
            out.write(pixels);
        }
        try (DataOutputStream out = gzipped(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            out.write(labels);
        }
    }

    private static DataOutputStream gzipped(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(raw));
    }
}
