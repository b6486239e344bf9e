package io.lockstep.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads CIFAR-10 binary batches ({@code data_batch_1.bin} ... {@code data_batch_5.bin}, {@code test_batch.bin})
 * into one {@link LabeledImages} of 3x32x32 images in 10 classes.
 *
 * <p>A batch file is a sequence of 3073-byte records and nothing else: one label byte (0..9), then 3072 pixel
 * bytes, 1024 red then 1024 green then 1024 blue, each plane row by row (32x32). That is already
 * {@link LabeledImages}' channel-major layout, so pixels are copied as they are.
 *
 * <p>Every problem is a {@link DataFormatException} naming the file: missing, empty, a length that is not a whole
 * number of records, a label outside 0..9.
 */
public final class CifarBinaryReader {
    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    public static final int CLASSES = 10;
    /** Bytes per pixel record: 3 x 32 x 32. */
    public static final int IMAGE_BYTES = CHANNELS * HEIGHT * WIDTH;
    /** Bytes per record: the label, then the pixels. */
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    private CifarBinaryReader() {
    }

    /** Reads {@code files} in the given order into one dataset. */
    public static LabeledImages read(List<Path> files, Configuration conf) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 batch files given");
        }
        List<LabeledImages> batches = new ArrayList<>(files.size());
        for (Path path : files) {
            try (DataFile file = DataFile.open(path, conf)) {
                batches.add(readBatch(file));
            }
        }
        return LabeledImages.concat(batches);
    }

    private static LabeledImages readBatch(DataFile file) {
        long length = file.length();
        if (length == 0) {
            throw file.problem("empty file: a CIFAR-10 batch needs at least one " + RECORD_BYTES + "-byte record");
        }
        if (length % RECORD_BYTES != 0) {
            throw file.problem("length " + length + " is not a multiple of the " + RECORD_BYTES
                    + "-byte record (1 label + " + IMAGE_BYTES + " pixels): " + length % RECORD_BYTES
                    + " bytes left over after " + length / RECORD_BYTES + " records");
        }
        if (length / RECORD_BYTES * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw file.problem("too large: " + length / RECORD_BYTES + " records do not fit in one Java array");
        }
        int records = (int) (length / RECORD_BYTES);
        byte[] pixels = new byte[records * IMAGE_BYTES];
        byte[] labels = new byte[records];
        byte[] record = new byte[RECORD_BYTES];
        try {
            for (int r = 0; r < records; r++) {
                if (DataFile.readUpTo(file.stream(), record, 0, RECORD_BYTES) < RECORD_BYTES) {
                    throw file.problem("truncated: the file system reports " + length + " bytes but the file ends in record " + r);
                }
                if (Byte.toUnsignedInt(record[0]) >= CLASSES) {
                    throw file.problem("label " + Byte.toUnsignedInt(record[0]) + " of record " + r
                            + " is out of range 0.." + (CLASSES - 1));
                }
                labels[r] = record[0];
                System.arraycopy(record, 1, pixels, r * IMAGE_BYTES, IMAGE_BYTES);
            }
        } catch (IOException e) {
            throw file.problem("cannot read: " + e.getMessage(), e);
        }
        return LabeledImages.wrap(pixels, labels, CLASSES, CHANNELS, HEIGHT, WIDTH);
    }
}
