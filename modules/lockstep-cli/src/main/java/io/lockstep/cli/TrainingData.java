package io.lockstep.cli;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.DatasetFetcher;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.Split;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's dataset, read and checked: the training and test splits and the normalization constants of the
 * dataset. Missing files are fetched first when {@code lockstep.data.fetch} is true and the directory is local.
 *
 * @param normalization the dataset's per-channel statistics ({@link DatasetLayout#normalization()})
 */
record TrainingData(LabeledImages train, LabeledImages test, ChannelNormalization normalization) {

    /**
     * Fetches what is missing (if allowed), then reads both splits.
     *
     * @param conf     the Hadoop configuration to open the dataset's files with
     * @param progress receives one-line progress messages of a fetch
     * @throws io.lockstep.data.DataFormatException     a file that is missing or not in its format, naming it
     * @throws io.lockstep.data.DatasetFetchException   a fetch that failed
     */
    static TrainingData load(TrainConfig.Data data, Configuration conf, Consumer<String> progress) {
        DatasetLayout layout = data.name();
        Path dir = new Path(data.dir());
        List<Path> missing = missingFiles(layout, dir, conf);
        if (!missing.isEmpty()) {
            if (!DatasetFetcher.FETCHABLE.contains(layout)) {
                throw new InputError(missing.get(0) + ": file not found (" + layout.id() + " cannot be fetched: "
                        + DatasetFetcher.CIFAR10_HOW_TO_OBTAIN + ")");
            }
            if (!data.fetch()) {
                throw new InputError(missing.get(0) + ": file not found (" + TrainConfig.DATA_FETCH + " is false: run"
                        + " `lockstep data fetch " + layout.id() + " --dest " + data.dir() + "` or set it to true)");
            }
            java.nio.file.Path local = localDirectory(dir, conf);
            if (local == null) {
                throw new InputError(missing.get(0) + ": file not found (" + TrainConfig.DATA_FETCH + " works on local"
                        + " directories only: copy the dataset's files there)");
            }
            progress.accept(layout.id() + ": " + missing.size() + " of its files are missing from " + data.dir()
                    + "; fetching");
            new DatasetFetcher(progress).fetch(layout.id(), local);
        }
        LabeledImages train = layout.load(dir, Split.TRAIN, conf);
        LabeledImages test = layout.load(dir, Split.TEST, conf);
        return new TrainingData(train, test, layout.normalization());
    }

    /** The files of both splits that do not exist. */
    private static List<Path> missingFiles(DatasetLayout layout, Path dir, Configuration conf) {
        List<Path> missing = new ArrayList<>();
        for (Split split : Split.values()) {
            for (Path file : layout.files(dir, split, conf)) {
                try {
                    FileSystem fs = file.getFileSystem(conf);
                    if (!fs.exists(file)) {
                        missing.add(fs.makeQualified(file));
                    }
                } catch (IOException e) {
                    throw new InputError(file + ": cannot look up: " + e.getMessage(), e);
                }
            }
        }
        return missing;
    }

    /** {@code dir} as a local path when it is on the local file system, else null. */
    private static java.nio.file.Path localDirectory(Path dir, Configuration conf) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!"file".equals(fs.getScheme())) {
                return null;
            }
            return java.nio.file.Path.of(fs.makeQualified(dir).toUri());
        } catch (IOException e) {
            throw new InputError(dir + ": cannot look up: " + e.getMessage(), e);
        }
    }
}
