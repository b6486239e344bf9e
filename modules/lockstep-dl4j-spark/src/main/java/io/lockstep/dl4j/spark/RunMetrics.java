package io.lockstep.dl4j.spark;

import io.lockstep.spark.train.TrainingResult;
import io.lockstep.step.StepOutcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/**
 * Lockstep's own metrics in a run directory on the driver, in the format of the {@code lockstep} command's runs:
 * {@code metrics.jsonl}, one JSON object per step, appended across fit() calls and flushed as written (fields
 * {@code step, epoch, loss, grad_norm, clip_coef, lr, examples, step_ms, comm_ms, skipped}), and
 * {@code summary.json}, the run's totals so far, replaced atomically after every fit().
 */
final class RunMetrics implements AutoCloseable {
    static final String METRICS = "metrics.jsonl";
    static final String SUMMARY = "summary.json";
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path directory;
    private final BufferedWriter metrics;
    private long steps;
    private long examples;
    private long skipped;
    private long clipped;
    private int fits;
    private double trainSeconds;
    private double lastLoss = Double.NaN;

    RunMetrics(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.metrics = Files.newBufferedWriter(directory.resolve(METRICS), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    Path directory() {
        return directory;
    }

    void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", outcome.step());
        record.put("epoch", epoch);
        record.put("loss", finite(outcome.loss()));
        record.put("grad_norm", finite(outcome.gradNorm()));
        record.put("clip_coef", finite(outcome.clipCoefficient()));
        record.put("lr", finite(outcome.learningRate()));
        record.put("examples", outcome.examples());
        record.put("step_ms", round(stepMillis));
        record.put("comm_ms", round(Math.max(0, stepMillis - driverMillis)));
        record.put("skipped", outcome.skipped());
        try {
            metrics.write(write(COMPACT, record));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(METRICS) + ": " + e.getMessage(), e);
        }
    }

    /** After a fit(): adds its totals and rewrites summary.json with the run's totals and settings. */
    void onFit(TrainingResult result, Map<String, Object> settings, int epochsSoFar) {
        fits++;
        steps += result.steps();
        examples += result.examples();
        skipped += result.skippedSteps();
        clipped += result.clippedSteps();
        trainSeconds += result.seconds();
        if (Double.isFinite(result.finalLoss())) {
            lastLoss = result.finalLoss();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("fits", fits);
        summary.put("epochs", epochsSoFar);
        summary.put("steps", steps);
        summary.put("final_train_loss", finite(lastLoss));
        summary.put("images_per_second", trainSeconds > 0 ? examples / trainSeconds : 0);
        summary.put("skipped_steps", skipped);
        summary.put("clipped_steps", clipped);
        summary.put("train_seconds", trainSeconds);
        summary.put("train_examples", examples);
        summary.put("settings", settings);
        Path target = directory.resolve(SUMMARY);
        Path temporary = directory.resolve("." + SUMMARY + ".tmp");
        try {
            Files.writeString(temporary, write(PRETTY, summary) + System.lineSeparator(), StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        metrics.close();
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Milliseconds to the microsecond. */
    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON of maps, strings and numbers: " + e.getMessage(), e);
        }
    }
}
