package io.lockstep.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Checkpoints in a directory of any Hadoop file system (file://, hdfs://, s3a://). Each checkpoint is a directory
 * {@code step-NNNNNNNNNN/} holding {@code model.zip} (DL4J's ModelSerializer, with the optimizer state),
 * {@code state.json} ({@link TrainingState}) and {@code manifest.json} (their SHA-256 digests).
 *
 * <p>Atomic: a checkpoint is written under a temporary name, read back and verified, and only then renamed into
 * place, so a crash mid-write leaves nothing that loads. Loading takes the newest checkpoint whose digests match
 * and skips (and reports) the others. The newest {@code keep} checkpoints are kept.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("step-(\\d{10})");
    private static final String MODEL = "model.zip";
    private static final String STATE = "state.json";
    private static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final FileSystem fs;
    private final int keep;

    public CheckpointStore(Path directory, Configuration conf, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoint.keep must be >= 1, got " + keep);
        }
        this.fs = directory.getFileSystem(conf);
        this.directory = fs.makeQualified(directory);
        this.keep = keep;
    }

    public Path directory() {
        return directory;
    }

    /** Writes a checkpoint atomically and prunes old ones; returns its directory. */
    public Path save(Model model, TrainingState state) throws IOException {
        byte[] modelBytes = serialize(model);
        byte[] stateBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state.toMap());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put(MODEL, sha256(modelBytes));
        manifest.put(STATE, sha256(stateBytes));
        manifest.put("network", model instanceof ComputationGraph ? "ComputationGraph" : "MultiLayerNetwork");

        Path target = new Path(directory, String.format("step-%010d", state.nextStep()));
        Path temporary = new Path(directory, "." + target.getName() + ".tmp-" + System.nanoTime());
        fs.mkdirs(temporary);
        try {
            write(new Path(temporary, MODEL), modelBytes);
            write(new Path(temporary, STATE), stateBytes);
            write(new Path(temporary, MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            verify(temporary);
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(temporary, target)) {
                throw new IOException(target + ": could not rename the written checkpoint into place");
            }
        } finally {
            if (fs.exists(temporary)) {
                fs.delete(temporary, true);
            }
        }
        prune();
        return target;
    }

    /** The newest checkpoint that verifies, if any; problems with newer ones go to {@code skipped}. */
    public Optional<Checkpoint> loadLatest(List<String> skipped) throws IOException {
        List<Path> checkpoints = list();
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            Path path = checkpoints.get(i);
            try {
                return Optional.of(load(path));
            } catch (IOException | RuntimeException e) {
                skipped.add(path + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Complete checkpoint directories, oldest first (temporary ones are never listed). */
    public List<Path> list() throws IOException {
        List<Path> found = new ArrayList<>();
        if (!fs.exists(directory)) {
            return found;
        }
        for (FileStatus status : fs.listStatus(directory)) {
            if (status.isDirectory() && NAME.matcher(status.getPath().getName()).matches()) {
                found.add(status.getPath());
            }
        }
        found.sort((a, b) -> a.getName().compareTo(b.getName()));
        return found;
    }

    private Checkpoint load(Path path) throws IOException {
        Map<String, Object> manifest = verify(path);
        byte[] modelBytes = read(new Path(path, MODEL));
        Map<String, Object> state = JSON.readValue(read(new Path(path, STATE)), new TypeReference<Map<String, Object>>() { });
        Model model = "ComputationGraph".equals(manifest.get("network"))
                ? ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(modelBytes), true)
                : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(modelBytes), true);
        return new Checkpoint(model, TrainingState.fromMap(state), path);
    }

    /** Reads the manifest and checks both files' digests; returns the manifest. */
    private Map<String, Object> verify(Path checkpoint) throws IOException {
        Path manifestPath = new Path(checkpoint, MANIFEST);
        if (!fs.exists(manifestPath)) {
            throw new IOException("no " + MANIFEST);
        }
        Map<String, Object> manifest = JSON.readValue(read(manifestPath), new TypeReference<Map<String, Object>>() { });
        for (String file : List.of(MODEL, STATE)) {
            Path filePath = new Path(checkpoint, file);
            if (!fs.exists(filePath)) {
                throw new IOException("missing " + file);
            }
            if (!sha256(read(filePath)).equals(manifest.get(file))) {
                throw new IOException(file + " does not match its digest in " + MANIFEST + " (corrupt or partly written)");
            }
        }
        return manifest;
    }

    private void prune() throws IOException {
        List<Path> checkpoints = list();
        for (int i = 0; i < checkpoints.size() - keep; i++) {
            fs.delete(checkpoints.get(i), true);
        }
    }

    private void write(Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    private byte[] read(Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }

    private static byte[] serialize(Model model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(model, bytes, true);
        return bytes.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
