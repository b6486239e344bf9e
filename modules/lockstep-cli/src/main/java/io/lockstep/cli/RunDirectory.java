package io.lockstep.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A run's directory: {@code config.conf}, {@code metrics.jsonl}, {@code summary.json}, {@code model.zip}.
 *
 * <p>A run never writes into another run's files: if the configured directory exists and is not empty, the run
 * takes the first free one of {@code DIR-2}, {@code DIR-3}, ... Finished files are written under a temporary name
 * and renamed, so a reader never sees half a {@code summary.json} or {@code model.zip}.
 */
final class RunDirectory {
    static final String CONFIG = "config.conf";
    static final String METRICS = "metrics.jsonl";
    static final String SUMMARY = "summary.json";
    static final String MODEL = "model.zip";

    /** What writes a file's content. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * The directory a run configured with {@code configured} would take now, without creating anything.
     *
     * @throws ConfigError at {@code lockstep.run-dir} when it could not be created
     */
    static Path plan(Path configured) {
        Path ancestor = configured.toAbsolutePath().getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor != null && (!Files.isDirectory(ancestor) || !Files.isWritable(ancestor))) {
            throw new ConfigError(TrainConfig.RUN_DIR, "cannot create " + configured + ": " + ancestor
                    + " is not a writable directory");
        }
        for (int suffix = 1; ; suffix++) {
            Path candidate = suffix == 1 ? configured : sibling(configured, suffix);
            if (isFree(candidate)) {
                return candidate;
            }
        }
    }

    /** Creates (or takes, when it is an empty directory) the planned directory, or the next free one. */
    static RunDirectory create(Path planned) throws IOException {
        Path parent = planned.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        for (int suffix = 1; ; suffix++) {
            Path candidate = suffix == 1 ? planned : sibling(planned, suffix);
            try {
                Files.createDirectory(candidate);
                return new RunDirectory(candidate);
            } catch (FileAlreadyExistsException e) {
                if (isFree(candidate)) {
                    return new RunDirectory(candidate);
                }
            }
        }
    }

    /**
     * An existing run's directory, to resume into.
     *
     * @throws ConfigError at {@code lockstep.run-dir} when it is not there
     */
    static RunDirectory existing(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigError(TrainConfig.RUN_DIR, dir + " is not a directory: there is no run to resume there");
        }
        return new RunDirectory(dir);
    }

    Path path() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Opens {@code name} for appending text as it comes (metrics.jsonl), creating it if needed. */
    BufferedWriter appender(String name) throws IOException {
        return Files.newBufferedWriter(file(name), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Writes {@code name} under a temporary name, then renames it into place. */
    void writeAtomically(String name, Content content) throws IOException {
        Path temporary = file("." + name + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            content.writeTo(out);
        }
        try {
            Files.move(temporary, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes text to {@code name} atomically. */
    void writeAtomically(String name, String text) throws IOException {
        writeAtomically(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Path sibling(Path dir, int suffix) {
        return dir.resolveSibling(dir.getFileName() + "-" + suffix);
    }

    /** Absent, or an empty directory. */
    private static boolean isFree(Path candidate) {
        if (!Files.exists(candidate)) {
            return true;
        }
        if (!Files.isDirectory(candidate)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(candidate)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
