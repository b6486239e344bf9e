package io.lockstep.bench;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.Split;
import io.lockstep.eval.Evaluator;
import io.lockstep.model.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;

/**
 * Fashion-MNIST as every contender of {@link PeerBenchmark} sees it: the 60,000 training and 10,000 test images,
 * read with the project's IDX reader, normalized alike ({@link DatasetLayout#FASHION_MNIST}'s mean and std).
 *
 * @param dir where the IDX files are (the PyTorch contender reads the same files)
 */
record PeerData(LabeledImages train, LabeledImages test, ChannelNormalization normalization, Path dir) {

    /**
     * @throws IllegalArgumentException when {@code dir} has no Fashion-MNIST and it cannot be fetched there: a time
     *                                  to an accuracy means nothing on synthetic images
     */
    static PeerData load(Path dir, Consumer<String> progress) {
        if (!BenchData.ensurePresent(dir, true, progress)) {
            throw new IllegalArgumentException("--data: no Fashion-MNIST IDX files in " + dir);
        }
        return new PeerData(BenchData.read(dir, Split.TRAIN), BenchData.read(dir, Split.TEST),
                DatasetLayout.FASHION_MNIST.normalization(), dir);
    }

    /** Test accuracy of {@code model} (inference mode: batch norm with its running statistics), on this thread. */
    double testAccuracy(Model model) {
        Network network = Network.of(model);
        return Evaluator.evaluate(network, test, network.featureShape(), normalization).accuracy();
    }

    /** The IDX files of a split (images, labels). */
    List<String> files(Split split) {
        return BenchData.files(dir, split);
    }
}
