package io.lockstep.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads a pair of IDX files, the format of MNIST and Fashion-MNIST, into {@link LabeledImages}.
 *
 * <p>An IDX file is a big-endian header, then the data: a magic number {@code 0x0000TTDD} (TT the element type,
 * 0x08 for unsigned bytes; DD the number of dimensions), one 32-bit size per dimension, then the elements in
 * row-major order. Images are {@code 0x00000803} with sizes (count, rows, columns); labels are {@code 0x00000801}
 * with size (count). Files may be gzipped, which is detected from the gzip magic bytes, whatever the file name.
 *
 * <p>Everything that can be wrong with the pair is a {@link DataFormatException} naming the file: a missing file,
 * a wrong magic number, a zero or absurd dimension, a file shorter than its header promises, bytes after the data,
 * a label count that differs from the image count, a label outside {@code 0 .. numClasses - 1}, corrupt gzip data.
 */
public final class IdxReader {
    /** Unsigned bytes in 3 dimensions: (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Unsigned bytes in 1 dimension: (count). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_MAGIC = 0x8b1f;

    private IdxReader() {
    }

    /** Reads an images file and its labels file with labels 0..9, as in MNIST and Fashion-MNIST. */
    public static LabeledImages read(Path images, Path labels, Configuration conf) {
        return read(images, labels, 10, conf);
    }

    /** Reads an images file and its labels file whose labels must lie in {@code 0 .. numClasses - 1}. */
    public static LabeledImages read(Path images, Path labels, int numClasses, Configuration conf) {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be in 1..256 (labels are bytes), got " + numClasses);
        }
        ImageData imageData;
        try (DataFile file = DataFile.open(images, conf)) {
            imageData = readImages(file);
        }
        byte[] labelData;
        try (DataFile file = DataFile.open(labels, conf)) {
            labelData = readLabels(file, imageData, numClasses);
        }
        return LabeledImages.wrap(imageData.pixels, labelData, numClasses, 1, imageData.rows, imageData.columns);
    }

    /** The content of an images file, and where it came from for the count check against the labels. */
    private record ImageData(String file, int count, int rows, int columns, byte[] pixels) {
    }

    private static ImageData readImages(DataFile file) {
        try {
            InputStream in = decompressed(file);
            int[] dims = readHeader(file, in, IMAGES_MAGIC, "images");
            int count = dims[0];
            int rows = dims[1];
            int columns = dims[2];
            if (rows == 0 || columns == 0) {
                throw file.problem("invalid header: images of " + rows + "x" + columns);
            }
            long imageSize = (long) rows * columns;
            if (count * imageSize > Integer.MAX_VALUE - 8) {
                throw file.problem("too large: " + count + " images of " + rows + "x" + columns
                        + " do not fit in one Java array");
            }
            byte[] pixels = new byte[(int) (count * imageSize)];
            int read = DataFile.readUpTo(in, pixels, 0, pixels.length);
            if (read < pixels.length) {
                throw file.problem("truncated: header promises " + count + " images of " + rows + "x" + columns
                        + " but the file ends after " + read / imageSize + " images");
            }
            checkNothingFollows(file, in, count + " images of " + rows + "x" + columns);
            return new ImageData(file.name(), count, rows, columns, pixels);
        } catch (ZipException e) {
            throw file.problem("corrupt gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw file.problem("cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] readLabels(DataFile file, ImageData images, int numClasses) {
        try {
            InputStream in = decompressed(file);
            int count = readHeader(file, in, LABELS_MAGIC, "labels")[0];
            if (count != images.count()) {
                throw file.problem("count mismatch: " + count + " labels for the " + images.count() + " images of "
                        + images.file());
            }
            byte[] labels = new byte[count];
            int read = DataFile.readUpTo(in, labels, 0, count);
            if (read < count) {
                throw file.problem("truncated: header promises " + count + " labels but the file ends after "
                        + read + " labels");
            }
            checkNothingFollows(file, in, count + " labels");
            for (int i = 0; i < count; i++) {
                int label = Byte.toUnsignedInt(labels[i]);
                if (label >= numClasses) {
                    throw file.problem("label " + label + " of example " + i + " is out of range 0.." + (numClasses - 1));
                }
            }
            return labels;
        } catch (ZipException e) {
            throw file.problem("corrupt gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw file.problem("cannot read: " + e.getMessage(), e);
        }
    }

    /** The file's content, gunzipped if it starts with the gzip magic bytes 1f 8b. */
    private static InputStream decompressed(DataFile file) throws IOException {
        InputStream in = file.stream();
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        boolean gzipped = first >= 0 && second >= 0 && (second << 8 | first) == GZIP_MAGIC;
        return gzipped ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Reads and checks the magic number and the dimension sizes; returns the sizes. */
    private static int[] readHeader(DataFile file, InputStream in, int expectedMagic, String what) throws IOException {
        int dimensions = expectedMagic & 0xff;
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dimensions);
        int read = DataFile.readUpTo(in, header.array(), 0, 4);
        if (read == 0) {
            throw file.problem("empty file: expected an IDX " + what + " file");
        }
        if (read < 4) {
            throw file.problem("truncated: the file ends inside the " + header.capacity() + "-byte IDX header");
        }
        int magic = header.getInt(0);
        if (magic != expectedMagic) {
            throw file.problem(String.format("wrong magic number 0x%08x (%s), expected 0x%08x (%s): not an IDX %s file",
                    magic, describeMagic(magic), expectedMagic, describeMagic(expectedMagic), what));
        }
        if (DataFile.readUpTo(in, header.array(), 4, 4 * dimensions) < 4 * dimensions) {
            throw file.problem("truncated: the file ends inside the " + header.capacity() + "-byte IDX header");
        }
        int[] sizes = new int[dimensions];
        for (int d = 0; d < dimensions; d++) {
            sizes[d] = header.getInt(4 + 4 * d);
            if (sizes[d] < 0) {
                throw file.problem("invalid header: size " + Integer.toUnsignedString(sizes[d]) + " of dimension "
                        + d + " is too large");
            }
        }
        if (sizes[0] == 0) {
            throw file.problem("empty: the header declares 0 " + what);
        }
        return sizes;
    }

    private static String describeMagic(int magic) {
        if ((magic >>> 16) != 0) {
            return "no IDX magic number";
        }
        int type = (magic >>> 8) & 0xff;
        int dimensions = magic & 0xff;
        String typeName = switch (type) {
            case 0x08 -> "unsigned bytes";
            case 0x09 -> "signed bytes";
            case 0x0b -> "shorts";
            case 0x0c -> "ints";
            case 0x0d -> "floats";
            case 0x0e -> "doubles";
            default -> String.format("unknown type 0x%02x", type);
        };
        return typeName + " in " + dimensions + (dimensions == 1 ? " dimension" : " dimensions");
    }

    private static void checkNothingFollows(DataFile file, InputStream in, String content) throws IOException {
        long extra;
        try {
            extra = in.transferTo(OutputStream.nullOutputStream());
        } catch (EOFException e) {
            throw file.problem("truncated: the gzip stream ends before its trailer", e);
        }
        if (extra > 0) {
            throw file.problem("trailing data: " + extra + " bytes after the " + content + " the header promises");
        }
    }
}
