package io.lockstep.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small, easy dataset in Fashion-MNIST's format (the 4 gzipped IDX files of the standard layout) or
 * CIFAR-10's: 10 classes, each class a bright {@code side/4 x side/4} block at its own place on a noisy dark
 * background. Any network that learns anything gets it nearly all right.
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

    /**
     * Writes a CIFAR-10-format dataset of {@code side x side} colour images into {@code dir}: the 5 training batch
     * files of {@code perBatch} records each and the test batch of {@code test} records (1 label byte, then the red,
     * green and blue planes).
     */
    static Path writeCifar(Path dir, int perBatch, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 1; b <= 5; b++) {
            writeCifarBatch(dir.resolve("data_batch_" + b + ".bin"), perBatch, random);
        }
        writeCifarBatch(dir.resolve("test_batch.bin"), test, random);
        return dir;
    }

    private static void writeCifarBatch(Path file, int count, SplittableRandom random) throws IOException {
        int channels = 3;
        int side = 32;
        int size = channels * side * side;
        byte[] pixels = pixels(count, channels, side, random);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < count; i++) {
                out.write(i % CLASSES);
                out.write(pixels, i * size, size);
            }
        }
    }

    private static void writeSplit(Path dir, String prefix, int count, int side, SplittableRandom random)
            throws IOException {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % CLASSES);
        }
        byte[] pixels = pixels(count, 1, side, random);
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

    /** Image i of class {@code i % 10}: its class's bright block on a noisy dark background, in every channel. */
    private static byte[] pixels(int count, int channels, int side, SplittableRandom random) {
        byte[] pixels = new byte[count * channels * side * side];
        int block = side / 4;
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES;
            int top = (label / 4) * block + block / 2;
            int left = (label % 4) * block;
            for (int c = 0; c < channels; c++) {
                int plane = (i * channels + c) * side * side;
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        boolean inBlock = y >= top && y < top + block && x >= left && x < left + block;
                        int value = inBlock ? 180 + random.nextInt(76) : random.nextInt(60);
                        pixels[plane + y * side + x] = (byte) value;
                    }
                }
            }
        }
        return pixels;
    }

    private static DataOutputStream gzipped(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(raw));
    }
}
