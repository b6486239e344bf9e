package io.lockstep.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Writes a run directory's {@code report.html}: one self-contained page (inline SVG and CSS, no scripts, nothing
 * fetched) with the summary and the charts: training loss and test accuracy, the global gradient norm before and
 * after clipping with the threshold, the clip rate, the per-layer gradient-norm heat map, the heat map of each SyncBN
 * layer's global batch variance (when the network has SyncBN layers), the learning rate, the throughput and the share
 * of each step spent communicating.
 */
public final class ReportWriter {
    public static final String REPORT = "report.html";
    private static final int CLIP_RATE_WINDOW = 20;

    private ReportWriter() {
    }

    /** Reads the run directory's metrics and writes its report; returns the report's path. */
    public static Path write(Path runDirectory) throws IOException {
        RunRecords records = RunRecords.read(runDirectory);
        Path report = runDirectory.resolve(REPORT);
        Path temporary = runDirectory.resolve(REPORT + ".tmp");
        Files.writeString(temporary, html(records, runDirectory.getFileName().toString()), StandardCharsets.UTF_8);
        Files.move(temporary, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return report;
    }

    static String html(RunRecords records, String runName) {
        List<RunRecords.Step> steps = records.steps;
        double[] x = column(steps, s -> s.step());
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Lockstep run ")
                .append(Html.escape(runName)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}")
                .append("table{border-collapse:collapse;margin-bottom:16px}td{padding:2px 12px 2px 0}")
                .append(".chart{display:block;margin:8px 0 20px}.title{font-size:14px;font-weight:bold}")
                .append(".tick{font-size:11px;fill:#555}</style></head><body>")
                .append("<h1>Lockstep run ").append(Html.escape(runName)).append("</h1>");
        summaryTable(page, records);

        page.append(new LineChart("Training loss", "step", false)
                .series("loss", "#1f77b4", x, column(steps, RunRecords.Step::loss)).svg());
        page.append(new LineChart("Test accuracy", "step", false)
                .series("test accuracy", "#2ca02c", records.evaluations.stream().mapToDouble(e -> e.step()).toArray(),
                        records.evaluations.stream().mapToDouble(RunRecords.Evaluation::accuracy).toArray()).svg());
        LineChart norms = new LineChart("Global gradient norm", "step", true)
                .series("before clipping", "#d62728", x, column(steps, RunRecords.Step::gradNorm))
                .series("after clipping", "#1f77b4", x, column(steps, s -> s.gradNorm() * s.clipCoefficient()));
        double threshold = number(records.summary.get("clip_global_norm"));
        if (threshold > 0) {
            norms.threshold("threshold", "#555", threshold);
        }
        page.append(norms.svg());
        page.append(new LineChart("Clip rate (last " + CLIP_RATE_WINDOW + " steps)", "step", false)
                .series("clipped fraction", "#ff7f0e", x, clipRate(steps)).svg());
        page.append(HeatMap.svg("Gradient norm per layer", steps, RunRecords.Step::layerGradNorms));
        if (!RunRecords.layers(steps, RunRecords.Step::batchNormVariances).isEmpty()) {
            page.append(HeatMap.svg("Batch variance per SyncBN layer (mean over channels)", steps,
                    RunRecords.Step::batchNormVariances));
        }
        page.append(new LineChart("Learning rate", "step", false)
                .series("lr", "#9467bd", x, column(steps, RunRecords.Step::learningRate)).svg());
        page.append(new LineChart("Throughput", "step", false)
                .series("images/s", "#17becf", x, column(steps, s -> s.examples() / (s.stepMillis() / 1000))).svg());
        page.append(new LineChart("Communication share of each step", "step", false)
                .series("comm %", "#8c564b", x, column(steps, s -> 100 * s.commMillis() / s.stepMillis())).svg());
        return page.append("</body></html>").toString();
    }

    private static void summaryTable(StringBuilder page, RunRecords records) {
        page.append("<table>");
        row(page, "steps", String.valueOf(records.steps.size()));
        for (String key : List.of("epochs", "final_train_loss", "test_accuracy", "images_per_second", "skipped_steps",
                "clipped_steps", "workers", "global_batch", "model", "dataset")) {
            Object value = records.summary.get(key);
            if (value != null) {
                row(page, key.replace('_', ' '), value instanceof Double d ? LineChart.format(d) : String.valueOf(value));
            }
        }
        page.append("</table>");
    }

    private static void row(StringBuilder page, String name, String value) {
        page.append("<tr><td>").append(Html.escape(name)).append("</td><td>").append(Html.escape(value)).append("</td></tr>");
    }

    private static double[] clipRate(List<RunRecords.Step> steps) {
        double[] rate = new double[steps.size()];
        int clipped = 0;
        for (int i = 0; i < steps.size(); i++) {
            clipped += steps.get(i).clipCoefficient() < 1 ? 1 : 0;
            if (i >= CLIP_RATE_WINDOW) {
                clipped -= steps.get(i - CLIP_RATE_WINDOW).clipCoefficient() < 1 ? 1 : 0;
            }
            rate[i] = (double) clipped / Math.min(i + 1, CLIP_RATE_WINDOW);
        }
        return rate;
    }

    private static double[] column(List<RunRecords.Step> steps, ToDoubleFunction<RunRecords.Step> value) {
        return steps.stream().mapToDouble(value).toArray();
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
