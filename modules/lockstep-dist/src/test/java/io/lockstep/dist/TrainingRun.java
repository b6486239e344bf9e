package io.lockstep.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * One {@code lockstep train} through deploy/submit.sh, and what it left in its run directory (metrics.jsonl,
 * model.zip).
 */
final class TrainingRun {
    private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");

    private final Path runDir;
    private final Scripts.Running submission;

    private TrainingRun(Path runDir, Scripts.Running submission) {
        this.runDir = runDir;
        this.submission = submission;
    }

    /**
     * Starts {@code deploy/submit.sh [SUBMIT-OPTIONS] train CONFIG --set lockstep.run-dir=RUN_DIR}.
     *
     * @param submitOptions options of submit.sh before the command, e.g. --dir of the cluster or --master local[2]
     */
    static TrainingRun start(Path config, Path runDir, List<String> submitOptions) throws IOException {
        Files.createDirectories(runDir.getParent());
        List<String> args = new ArrayList<>(submitOptions);
        args.addAll(List.of("--jar", DistPaths.applicationJar().toString(), "train", config.toString(),
                "--set", "lockstep.run-dir=" + runDir));
        return new TrainingRun(runDir, Scripts.start("submit.sh", args,
                runDir.resolveSibling(runDir.getFileName() + ".log")));
    }

    /** Waits for the driver to finish; fails with its output unless it succeeded. */
    TrainingRun finish(Duration limit) throws InterruptedException {
        try (submission) {
            int code = submission.await(limit);
            if (code != 0) {
                throw new AssertionError("lockstep train exited with " + code + ":\n" + submission.tail());
            }
        }
        return this;
    }

    /** Stops the driver if it still runs. */
    void abandon() {
        submission.close();
    }

    boolean running() {
        return submission.process().isAlive();
    }

    /** The highest step metrics.jsonl has a line for, or -1 before the first. */
    long lastLoggedStep() throws IOException {
        if (!Files.exists(runDir.resolve("metrics.jsonl"))) {
            return -1;
        }
        long last = -1;
        for (String line : steps()) {
            Matcher m = STEP.matcher(line);
            if (m.find()) {
                last = Math.max(last, Long.parseLong(m.group(1)));
            }
        }
        return last;
    }

    /** The lines of metrics.jsonl that record a training step (it has other records, such as evaluations). */
    List<String> steps() throws IOException {
        return Files.readAllLines(runDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("\"step_ms\":"))
                .toList();
    }

    /** What deploy/submit.sh and the driver printed. */
    String output() throws IOException {
        return Files.readString(submission.log(), StandardCharsets.UTF_8);
    }

    /** The trained network, as the run wrote it (model.zip, DL4J's ModelSerializer format). */
    MultiLayerNetwork model() throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(runDir.resolve("model.zip").toFile(), false);
    }
}
