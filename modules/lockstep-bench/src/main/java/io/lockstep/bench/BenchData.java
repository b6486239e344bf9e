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
        DatasetLayout layout = DatasetLayout.FASHION_MNIST;
        if (!present(dir) && fetch) {
            try {
                new DatasetFetcher(progress).fetch(layout.id(), dir);
            } catch (RuntimeException e) {
                progress.accept("could not fetch Fashion-MNIST (" + e.getMessage() + "); using synthetic images");
            }
        }
        if (present(dir)) {
            LabeledImages train = layout.load(new org.apache.hadoop.fs.Path(dir.toAbsolutePath().toUri()), Split.TRAIN,
                    new Configuration());
            return new BenchData(train, layout.normalization(),
                    "Fashion-MNIST train, " + train.count() + " real images, from " + dir);
        }
        return synthetic();
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

    private static boolean present(Path dir) {
        return List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte").stream()
                .allMatch(name -> Files.isRegularFile(dir.resolve(name + ".gz")) || Files.isRegularFile(dir.resolve(name)));
    }
}
