package io.lockstep.data;

import static io.lockstep.data.TestFiles.assertProblem;
import static io.lockstep.data.TestFiles.cifarRecords;
import static io.lockstep.data.TestFiles.concat;
import static io.lockstep.data.TestFiles.qualified;
import static io.lockstep.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {
    private static final int IMAGE = 3072;

    private final Configuration conf = new Configuration();

    @TempDir
    java.nio.file.Path dir;

    @Test
    void readsSeveralBatchesInTheGivenOrder() {
        byte[] pixels1 = TestFiles.randomBytes(3 * IMAGE, 1);
        byte[] labels1 = {3, 0, 9};
        byte[] pixels2 = TestFiles.randomBytes(2 * IMAGE, 2);
        byte[] labels2 = {7, 7};
        Path batch1 = write(dir, "data_batch_1.bin", cifarRecords(labels1, pixels1));
        Path batch2 = write(dir, "data_batch_2.bin", cifarRecords(labels2, pixels2));

        LabeledImages read = CifarBinaryReader.read(List.of(batch2, batch1), conf);

        LabeledImages expected = LabeledImages.of(concat(pixels2, pixels1), concat(labels2, labels1), 10, 3, 32, 32);
        assertEquals(expected, read);
    }

    @Test
    void readsChannelPlanesRedGreenBlue() {
        byte[] pixels = new byte[IMAGE];
        Arrays.fill(pixels, 0, 1024, (byte) 10);
        Arrays.fill(pixels, 1024, 2048, (byte) 20);
        Arrays.fill(pixels, 2048, 3072, (byte) 200);
        pixels[1024 + 5 * 32 + 7] = 21; // green, row 5, column 7
        Path batch = write(dir, "test_batch.bin", cifarRecords(new byte[] {4}, pixels));

        LabeledImages read = CifarBinaryReader.read(List.of(batch), conf);

        assertEquals(List.of(10, 20, 21, 200),
                List.of(read.pixel(0, 0, 5, 7), read.pixel(0, 1, 5, 6), read.pixel(0, 1, 5, 7), read.pixel(0, 2, 31, 31)));
    }

    @Test
    void rejectsLengthThatIsNotWholeRecords() {
        byte[] records = cifarRecords(new byte[] {1, 2}, TestFiles.randomBytes(2 * IMAGE, 3));
        Path good = write(dir, "data_batch_1.bin", records);
        Path bad = write(dir, "data_batch_2.bin", concat(records, new byte[5]));

        assertProblem(qualified(bad), "length 6151 is not a multiple of the 3073-byte record (1 label + 3072 pixels): "
                        + "5 bytes left over after 2 records",
                () -> CifarBinaryReader.read(List.of(good, bad), conf));
    }

    @Test
    void rejectsEmptyFile() {
        Path empty = write(dir, "data_batch_3.bin", new byte[0]);

        assertProblem(qualified(empty), "empty file", () -> CifarBinaryReader.read(List.of(empty), conf));
    }

    @Test
    void rejectsLabelOutOfRange() {
        Path batch = write(dir, "data_batch_4.bin", cifarRecords(new byte[] {1, 2, 10}, TestFiles.randomBytes(3 * IMAGE, 4)));

        assertProblem(qualified(batch), "label 10 of record 2 is out of range 0..9",
                () -> CifarBinaryReader.read(List.of(batch), conf));
    }

    @Test
    void rejectsMissingFile() {
        Path good = write(dir, "data_batch_1.bin", cifarRecords(new byte[] {1}, TestFiles.randomBytes(IMAGE, 5)));
        Path missing = new Path(dir.resolve("data_batch_2.bin").toUri());

        assertProblem(qualified(missing), "file not found", () -> CifarBinaryReader.read(List.of(good, missing), conf));
    }
}
