package io.lockstep.data;

import static io.lockstep.data.TestFiles.assertProblem;
import static io.lockstep.data.TestFiles.concat;
import static io.lockstep.data.TestFiles.gzip;
import static io.lockstep.data.TestFiles.idxHeader;
import static io.lockstep.data.TestFiles.idxImages;
import static io.lockstep.data.TestFiles.idxLabels;
import static io.lockstep.data.TestFiles.prefix;
import static io.lockstep.data.TestFiles.qualified;
import static io.lockstep.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final int ROWS = 4;
    private static final int COLUMNS = 3;
    private static final int COUNT = 7;
    private static final byte[] PIXELS = TestFiles.randomBytes(COUNT * ROWS * COLUMNS, 1);
    private static final byte[] LABELS = TestFiles.randomLabels(COUNT, 10, 2);
    private static final LabeledImages EXPECTED = LabeledImages.of(PIXELS, LABELS, 10, 1, ROWS, COLUMNS);

    private final Configuration conf = new Configuration();

    @TempDir
    java.nio.file.Path dir;

    private Path images(byte[] content) {
        return write(dir, "train-images-idx3-ubyte", content);
    }

    private Path labels(byte[] content) {
        return write(dir, "train-labels-idx1-ubyte", content);
    }

    @Test
    void readsRawFiles() {
        LabeledImages read = IdxReader.read(images(idxImages(ROWS, COLUMNS, PIXELS)), labels(idxLabels(LABELS)), conf);

        assertEquals(EXPECTED, read);
    }

    @Test
    void readsGzippedFiles() {
        Path images = write(dir, "train-images-idx3-ubyte.gz", gzip(idxImages(ROWS, COLUMNS, PIXELS)));
        Path labels = write(dir, "train-labels-idx1-ubyte.gz", gzip(idxLabels(LABELS)));

        assertEquals(EXPECTED, IdxReader.read(images, labels, conf));
    }

    @Test
    void detectsGzipByContentNotByName() {
        Path gzippedWithoutSuffix = images(gzip(idxImages(ROWS, COLUMNS, PIXELS)));
        Path rawWithSuffix = write(dir, "labels.gz", idxLabels(LABELS));

        assertEquals(EXPECTED, IdxReader.read(gzippedWithoutSuffix, rawWithSuffix, conf));
    }

    @Test
    void placesPixelsRowByRow() {
        LabeledImages read = IdxReader.read(images(idxImages(ROWS, COLUMNS, PIXELS)), labels(idxLabels(LABELS)), conf);

        int i = 5;
        int y = 2;
        int x = 1;
        assertEquals(Byte.toUnsignedInt(PIXELS[(i * ROWS + y) * COLUMNS + x]), read.pixel(i, 0, y, x));
    }

    @Test
    void acceptsLabelsBelowAGivenClassCount() {
        byte[] labels = {0, 1, 2, 3, 4, 5, 12};

        LabeledImages read = IdxReader.read(images(idxImages(ROWS, COLUMNS, PIXELS)), labels(idxLabels(labels)), 13, conf);

        assertEquals(12, read.label(6));
    }

    @Test
    void rejectsTruncatedImages() {
        byte[] file = idxImages(ROWS, COLUMNS, PIXELS);
        Path images = images(prefix(file, file.length - ROWS * COLUMNS - 1));

        assertProblem(qualified(images), "truncated: header promises 7 images of 4x3 but the file ends after 5 images",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsTruncatedGzipStream() {
        byte[] gzipped = gzip(idxImages(ROWS, COLUMNS, PIXELS));
        Path images = write(dir, "train-images-idx3-ubyte.gz", prefix(gzipped, gzipped.length / 2));

        assertProblem(qualified(images), "truncated: header promises 7 images of 4x3 but the file ends after",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsTruncatedLabels() {
        Path labels = labels(concat(idxHeader(0x00000801, COUNT), prefix(LABELS, 3)));

        assertProblem(qualified(labels), "truncated: header promises 7 labels but the file ends after 3 labels",
                () -> IdxReader.read(images(idxImages(ROWS, COLUMNS, PIXELS)), labels, conf));
    }

    @Test
    void rejectsFileEndingInsideTheHeader() {
        Path images = images(prefix(idxImages(ROWS, COLUMNS, PIXELS), 10));

        assertProblem(qualified(images), "truncated: the file ends inside the 16-byte IDX header",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsLabelsFileGivenAsImages() {
        Path images = images(idxLabels(LABELS));

        assertProblem(qualified(images), "wrong magic number 0x00000801 (unsigned bytes in 1 dimension), expected "
                        + "0x00000803 (unsigned bytes in 3 dimensions)",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsWrongMagicInLabels() {
        Path labels = labels(concat(idxHeader(0x00000901, COUNT), LABELS));

        assertProblem(qualified(labels), "wrong magic number 0x00000901 (signed bytes in 1 dimension)",
                () -> IdxReader.read(images(idxImages(ROWS, COLUMNS, PIXELS)), labels, conf));
    }

    @Test
    void rejectsZeroSizedImages() {
        Path images = images(idxHeader(0x00000803, COUNT, 0, COLUMNS));

        assertProblem(qualified(images), "invalid header: images of 0x3",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsTrailingData() {
        Path images = images(concat(idxImages(ROWS, COLUMNS, PIXELS), new byte[] {1, 2}));

        assertProblem(qualified(images), "trailing data: 2 bytes after the 7 images of 4x3 the header promises",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsImageLabelCountMismatch() {
        Path images = images(idxImages(ROWS, COLUMNS, PIXELS));
        Path labels = labels(idxLabels(prefix(LABELS, COUNT - 1)));

        assertProblem(qualified(labels), "count mismatch: 6 labels for the 7 images of " + qualified(images),
                () -> IdxReader.read(images, labels, conf));
    }

    @Test
    void rejectsLabelOutOfRange() {
        byte[] labels = LABELS.clone();
        labels[4] = 10;
        Path labelFile = labels(idxLabels(labels));

        assertProblem(qualified(labelFile), "label 10 of example 4 is out of range 0..9",
                () -> IdxReader.read(images(idxImages(ROWS, COLUMNS, PIXELS)), labelFile, conf));
    }

    @Test
    void rejectsEmptyFile() {
        Path images = images(new byte[0]);

        assertProblem(qualified(images), "empty file",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsMissingFile() {
        Path images = new Path(dir.resolve("no-such-images-idx3-ubyte.gz").toUri());

        assertProblem(qualified(images), "file not found",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }

    @Test
    void rejectsCorruptGzipData() {
        byte[] gzipped = gzip(idxImages(ROWS, COLUMNS, PIXELS));
        gzipped[gzipped.length - 5] ^= 0x7f; // inside the CRC-32 of the gzip trailer
        Path images = write(dir, "train-images-idx3-ubyte.gz", gzipped);

        assertProblem(qualified(images), "corrupt gzip data",
                () -> IdxReader.read(images, labels(idxLabels(LABELS)), conf));
    }
}
