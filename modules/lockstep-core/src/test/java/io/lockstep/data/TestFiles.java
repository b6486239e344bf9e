package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.function.Executable;

/**
 * Builds dataset files byte by byte, independently of the production readers and writer, in the formats the
 * readers must accept: IDX headers and data, gzip, CIFAR-10 records. The IDX and gzip builders are public for the
 * other modules' tests that put a dataset on a file system (HDFS) for the readers.
 */
public final class TestFiles {
    private TestFiles() {
    }

    /** An IDX header: the magic number, then one big-endian size per dimension. */
    static byte[] idxHeader(int magic, int... sizes) {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * sizes.length);
        header.putInt(magic);
        for (int size : sizes) {
            header.putInt(size);
        }
        return header.array();
    }

    /** A complete IDX images file of {@code pixels.length / (rows * columns)} images. */
    public static byte[] idxImages(int rows, int columns, byte[] pixels) {
        return concat(idxHeader(0x00000803, pixels.length / (rows * columns), rows, columns), pixels);
    }

    /** A complete IDX labels file. */
    public static byte[] idxLabels(byte[] labels) {
        return concat(idxHeader(0x00000801, labels.length), labels);
    }

    /** {@code count} CIFAR-10 records: for each, its label byte, then its 3072 pixels from {@code pixels}. */
    static byte[] cifarRecords(byte[] labels, byte[] pixels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < labels.length; r++) {
            out.write(labels[r]);
            out.write(pixels, r * 3072, 3072);
        }
        return out.toByteArray();
    }

    /** Deterministic pseudo-random bytes covering the whole 0..255 range. */
    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Deterministic pseudo-random labels in 0..classes-1. */
    static byte[] randomLabels(int count, int classes, long seed) {
        Random random = new Random(seed);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(classes);
        }
        return labels;
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] prefix(byte[] content, int length) {
        byte[] prefix = new byte[length];
        System.arraycopy(content, 0, prefix, 0, length);
        return prefix;
    }

    /** Writes {@code content} to {@code dir/name} and returns it as a Hadoop path ({@code file:/...}). */
    static Path write(java.nio.file.Path dir, String name, byte[] content) {
        try {
            return new Path(Files.write(dir.resolve(name), content).toUri());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name Hadoop's local file system qualifies {@code path} to, as the readers' messages use it. */
    static String qualified(Path path) {
        return "file:" + path.toUri().getPath();
    }

    /**
     * Runs {@code read}, expects a {@link DataFormatException} whose one-line message starts with
     * {@code <file>: } and contains {@code problem}, and returns it.
     */
    static DataFormatException assertProblem(String file, String problem, Executable read) {
        DataFormatException e = assertThrows(DataFormatException.class, read);
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), () -> "message does not start with the file: " + message);
        assertTrue(message.contains(problem), () -> "message does not say '" + problem + "': " + message);
        assertFalse(message.contains("\n"), () -> "message spans lines: " + message);
        assertEquals(file, e.file());
        return e;
    }
}
