package io.lockstep.cli;

import io.lockstep.spark.train.StepListener;
import io.lockstep.step.BatchNormSummary;
import io.lockstep.step.StepDiagnostics;
import io.lockstep.step.StepOutcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Writes {@code metrics.jsonl}: one JSON object per driver step, flushed as it is written, so that a running job
 * can be followed with {@code tail -f}. Fields:
 * <pre>
 *   step        the step number, from 0
 *   epoch       the epoch it belongs to, from 0
 *   loss        mean training loss of the global batch (null if not finite)
 *   grad_norm   global L2 norm of the averaged gradient before clipping (null if not finite)
 *   clip_coef   the global-norm clip factor applied (1 when not clipped)
 *   lr          the learning rate of the step
 *   examples    examples in the global batch
 *   step_ms     wall time of the step on the driver, reply to reply
 *   comm_ms     step_ms less the driver's own work (reduce, clip, update): workers' compute and communication
 *   skipped     true when the step's update did not reach the parameters (see intervention)
 *   intervention  none, skipped_non_finite (a NaN or infinite loss or gradient) or rolled_back_spike (a loss spike:
 *               the model went back to the last good state, the step size was scaled down)
 *   layer_grad_norm     per layer (DL4J key prefix): L2 norm of its averaged gradient before clipping
 *   layer_update_ratio  per layer: ||update|| / ||parameters|| (none for a skipped step)
 *   layer_bn    per SyncBN layer, its global batch statistics (all workers' moments merged) over its channels:
 *               mean_abs (mean of |batch mean|), var_mean, var_min, var_max (of the biased batch variance)
 * </pre>
 */
final class MetricsWriter implements StepListener, AutoCloseable {
    private final BufferedWriter out;

    MetricsWriter(BufferedWriter out) {
        this.out = out;
    }

    @Override
    public void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", outcome.step());
        record.put("epoch", epoch);
        record.put("loss", Json.finite(outcome.loss()));
        record.put("grad_norm", Json.finite(outcome.gradNorm()));
        record.put("clip_coef", Json.finite(outcome.clipCoefficient()));
        record.put("lr", Json.finite(outcome.learningRate()));
        record.put("examples", outcome.examples());
        record.put("step_ms", round(stepMillis));
        record.put("comm_ms", round(Math.max(0, stepMillis - driverMillis)));
        record.put("skipped", outcome.skipped());
        record.put("intervention", outcome.intervention().name().toLowerCase(Locale.ROOT));
        StepDiagnostics diagnostics = outcome.diagnostics();
        if (diagnostics != null) {
            record.put("layer_grad_norm", finite(diagnostics.gradientNorms()));
            record.put("layer_update_ratio", finite(diagnostics.updateRatios()));
            Map<String, Map<String, Double>> batchNorm = new LinkedHashMap<>();
            diagnostics.batchNorm().forEach((layer, summary) -> batchNorm.put(layer, batchNormRecord(summary)));
            record.put("layer_bn", batchNorm);
        }
        write(record);
    }

    private void write(Map<String, Object> record) {
        try {
            out.write(Json.line(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + RunDirectory.METRICS + ": " + e.getMessage(), e);
        }
    }

    /** Appends a test-set evaluation as {@code {"type": "eval", "step", "epoch", "test_accuracy"}}. */
    void onEvaluation(long step, int epoch, double accuracy) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("type", "eval");
        record.put("step", step);
        record.put("epoch", epoch);
        record.put("test_accuracy", Json.finite(accuracy));
        write(record);
    }

    /**
     * Keeps the lines of steps before {@code nextStep} in {@code dir}'s metrics.jsonl and drops the rest: the steps
     * a resumed run will compute again (and a line cut short by a crash).
     */
    static void truncate(RunDirectory dir, long nextStep) throws IOException {
        Path file = dir.file(RunDirectory.METRICS);
        if (!Files.exists(file)) {
            return;
        }
        ObjectMapper json = new ObjectMapper();
        StringBuilder kept = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            try {
                JsonNode step = json.readTree(line).get("step");
                if (step != null && step.asLong() < nextStep) {
                    kept.append(line).append(System.lineSeparator());
                }
            } catch (IOException e) {
                // a line cut short: dropped
            }
        }
        dir.writeAtomically(RunDirectory.METRICS, kept.toString());
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The map in its own order, with numbers that JSON cannot hold as null. */
    private static Map<String, Double> finite(Map<String, Double> values) {
        Map<String, Double> copy = new LinkedHashMap<>();
        values.forEach((key, value) -> copy.put(key, value == null ? null : Json.finite(value)));
        return copy;
    }

    private static Map<String, Double> batchNormRecord(BatchNormSummary summary) {
        Map<String, Double> record = new LinkedHashMap<>();
        record.put("mean_abs", Json.finite(summary.meanAbsMean()));
        record.put("var_mean", Json.finite(summary.meanVariance()));
        record.put("var_min", Json.finite(summary.minVariance()));
        record.put("var_max", Json.finite(summary.maxVariance()));
        return record;
    }

    /** Milliseconds to the microsecond. */
    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
