package io.lockstep.cli.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * A run directory's records, as the report needs them: one {@link Step} per line of metrics.jsonl, the
 * evaluations (lines with {@code "type": "eval"}), and summary.json when present.
 */
final class RunRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One training step. Missing numbers (JSON null) are NaN.
     *
     * @param layerGradNorms      per layer: the gradient norm before clipping
     * @param batchNormVariances  per SyncBN layer: the mean over channels of the global batch variance
     */
    record Step(long step, int epoch, double loss, double gradNorm, double clipCoefficient, double learningRate,
                long examples, double stepMillis, double commMillis, boolean skipped, Map<String, Double> layerGradNorms,
                Map<String, Double> batchNormVariances) {
    }

    /** A test-set evaluation after an epoch. */
    record Evaluation(long step, int epoch, double accuracy) {
    }

    final List<Step> steps;
    final List<Evaluation> evaluations;
    final Map<String, Object> summary;

    private RunRecords(List<Step> steps, List<Evaluation> evaluations, Map<String, Object> summary) {
        this.steps = steps;
        this.evaluations = evaluations;
        this.summary = summary;
    }

    static RunRecords read(Path runDirectory) throws IOException {
        Path metrics = runDirectory.resolve("metrics.jsonl");
        if (!Files.isRegularFile(metrics)) {
            throw new IOException(metrics + ": not found (is this a Lockstep run directory?)");
        }
        List<Step> steps = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(metrics, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> record;
                try {
                    record = JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
                } catch (IOException e) {
                    throw new IOException(metrics + ":" + number + ": not a JSON object");
                }
                if ("eval".equals(record.get("type"))) {
                    evaluations.add(new Evaluation(whole(record, "step"), (int) whole(record, "epoch"),
                            number(record, "test_accuracy")));
                } else {
                    steps.add(step(record));
                }
            }
        }
        Path summaryFile = runDirectory.resolve("summary.json");
        Map<String, Object> summary = Files.isRegularFile(summaryFile)
                ? JSON.readValue(summaryFile.toFile(), new TypeReference<Map<String, Object>>() { })
                : Collections.emptyMap();
        return new RunRecords(steps, evaluations, summary);
    }

    /** Every layer that has a value in any step, in first-seen order. */
    static List<String> layers(List<Step> steps, Function<Step, Map<String, Double>> perLayer) {
        Set<String> layers = new LinkedHashSet<>();
        for (Step step : steps) {
            layers.addAll(perLayer.apply(step).keySet());
        }
        return new ArrayList<>(layers);
    }

    private static Step step(Map<String, Object> record) {
        Map<String, Double> batchNormVariances = new LinkedHashMap<>();
        if (record.get("layer_bn") instanceof Map<?, ?> batchNorm) {
            batchNorm.forEach((layer, statistics) -> batchNormVariances.put(String.valueOf(layer),
                    statistics instanceof Map<?, ?> values && values.get("var_mean") instanceof Number n
                            ? n.doubleValue() : Double.NaN));
        }
        return new Step(whole(record, "step"), (int) whole(record, "epoch"), number(record, "loss"),
                number(record, "grad_norm"), number(record, "clip_coef"), number(record, "lr"),
                whole(record, "examples"), number(record, "step_ms"), number(record, "comm_ms"),
                Boolean.TRUE.equals(record.get("skipped")), perLayer(record.get("layer_grad_norm")), batchNormVariances);
    }

    /** A JSON object of layer -> number; null numbers are NaN. */
    private static Map<String, Double> perLayer(Object object) {
        Map<String, Double> values = new LinkedHashMap<>();
        if (object instanceof Map<?, ?> map) {
            map.forEach((layer, value) -> values.put(String.valueOf(layer),
                    value instanceof Number n ? n.doubleValue() : Double.NaN));
        }
        return values;
    }

    private static double number(Map<String, Object> record, String key) {
        return record.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static long whole(Map<String, Object> record, String key) {
        return record.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
