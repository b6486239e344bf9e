package io.lockstep.bench;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.DatasetFetcher;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * The training images both sides train on: Fashion-MNIST's 60,000 training images when they are in the data
 * directory (fetched there first if allowed), otherwise as many synthetic 28x28 images of random bytes.
 *
 * @param source what the images are, for the report
 */
record BenchData(LabeledImages images, ChannelNormalization normalization, String source) {
    private static final int SYNTHETIC_COUNT = 60_000;

    static BenchData load(Path dir, boolean fetch, Consumer<String> progress) {
        if (ensurePresent(dir, fetch, progress)) {
            LabeledImages train = read(dir, Split.TRAIN);
            return new BenchData(train, DatasetLayout.FASHION_MNIST.normalization(),
                    "Fashion-MNIST train, " + train.count() + " real images, from " + dir);
        }
        return synthetic();
    }

    /** Whether Fashion-MNIST is in {@code dir}, after fetching it there first when it is missing and allowed. */
    static boolean ensurePresent(Path dir, boolean fetch, Consumer<String> progress) {
        if (!present(dir) && fetch) {
            try {
                new DatasetFetcher(progress).fetch(DatasetLayout.FASHION_MNIST.id(), dir);
            } catch (RuntimeException e) {
                progress.accept("could not fetch Fashion-MNIST (" + e.getMessage() + ")");
            }
        }
        return present(dir);
    }

    /** One split of Fashion-MNIST from {@code dir}, read with the project's IDX reader. */
    static LabeledImages read(Path dir, Split split) {
        return DatasetLayout.FASHION_MNIST.load(hadoopPath(dir), split, new Configuration());
    }

    /** The files of one split (images, then labels), as the IDX reader would read them. */
    static List<String> files(Path dir, Split split) {
        return DatasetLayout.FASHION_MNIST.files(hadoopPath(dir), split, new Configuration()).stream()
                .map(path -> Path.of(path.toUri()).toString()).toList();
    }

    static BenchData synthetic() {
        Random random = new Random(7);
        byte[] pixels = new byte[SYNTHETIC_COUNT * 28 * 28];
        byte[] labels = new byte[SYNTHETIC_COUNT];
        random.nextBytes(pixels);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return new BenchData(LabeledImages.of(pixels, labels, 10, 1, 28, 28), DatasetLayout.FASHION_MNIST.normalization(),
                "SYNTHETIC: " + SYNTHETIC_COUNT + " images of random bytes (no Fashion-MNIST found)");
    }

    private static org.apache.hadoop.fs.Path hadoopPath(Path dir) {
        return new org.apache.hadoop.fs.Path(dir.toAbsolutePath().toUri());
    }

    private static boolean present(Path dir) {
        return List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                        "t10k-labels-idx1-ubyte").stream()
                .allMatch(name -> Files.isRegularFile(dir.resolve(name + ".gz")) || Files.isRegularFile(dir.resolve(name)));
    }
}
