package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.cli.report.ReportWriter;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.Split;
import io.lockstep.eval.Evaluator;
import io.lockstep.model.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * {@code lockstep train} from a config file to a finished run directory: Spark local[2], W = 2, LeNet-5-BN, 20 steps
 * (three epochs of 8 steps, the last cut short) on a small synthetic dataset in Fashion-MNIST's format; then
 * {@code --resume} from an earlier checkpoint of the same run, which must end with the same model.
 */
class TrainEndToEndTest {
    private static final int STEPS = 20;

    @TempDir
    Path tmp;

    @Test
    void trainsAndWritesTheRunDirectory() throws IOException {
        Path data = SyntheticImages.write(tmp.resolve("data"), 512, 128, 28, 7);
        Path runDir = tmp.resolve("runs/synthetic");
        Path conf = tmp.resolve("synthetic.conf");
        Files.writeString(conf, String.join("\n",
                "lockstep {",
                "  spark.master = \"local[2]\"",
                "  workers = 2",
                "  train { batch-size = 64, epochs = 5, max-steps = " + STEPS + " }",
                "  optimizer { name = adam, learning-rate = 0.005 }",
                "  clip.global-norm = 5",
                "  data { name = fashion-mnist, fetch = false }",
                "  checkpoint.every-steps = 8",
                "  model = lenet5-bn",
                "}"));

        CliRun run = CliRun.of(List.of("train", conf.toString(), "--set", "lockstep.run-dir=" + runDir,
                "--set", "lockstep.data.dir=" + data));

        assertEquals(Main.OK, run.exitCode(), () -> "stdout:\n" + run.out() + "\nstderr:\n" + run.err());
        assertTrue(run.out().contains("lockstep: step " + STEPS + "/" + STEPS), run.out());

        List<String> lines = Files.readAllLines(runDir.resolve(RunDirectory.METRICS));
        List<String> metrics = lines.stream().filter(line -> !line.contains("\"type\":\"eval\"")).toList();
        List<String> evaluations = lines.stream().filter(line -> line.contains("\"type\":\"eval\"")).toList();
        assertEquals(STEPS, metrics.size());
        // 8 steps per epoch: epochs end after steps 7, 15 and (the last, partial one) 19
        assertEquals(List.of(7, 15, 19), evaluations.stream().map(line -> line.replaceAll(".*\"step\":(\\d+).*", "$1"))
                .map(Integer::valueOf).toList());
        ObjectMapper json = new ObjectMapper();
        for (int step = 0; step < STEPS; step++) {
            JsonNode line = json.readTree(metrics.get(step));
            assertEquals(step, line.get("step").asInt());
            assertEquals(step / 8, line.get("epoch").asInt());
            assertEquals(64, line.get("examples").asInt());
            assertEquals(0.005, line.get("lr").asDouble(), 1e-12);
            for (String field : new String[] {"loss", "grad_norm", "clip_coef", "step_ms", "comm_ms", "skipped",
                    "layer_grad_norm", "layer_update_ratio", "layer_bn"}) {
                assertTrue(line.hasNonNull(field), field + " in " + metrics.get(step));
            }
            // LeNet-5-BN's SyncBN layers, each with its global batch statistics
            assertEquals(List.of("1", "5", "9", "12"), fieldNames(line.get("layer_bn")), metrics.get(step));
            for (JsonNode batchNorm : line.get("layer_bn")) {
                double min = batchNorm.get("var_min").asDouble();
                assertTrue(0 < min && min <= batchNorm.get("var_mean").asDouble()
                        && batchNorm.get("var_mean").asDouble() <= batchNorm.get("var_max").asDouble(), metrics.get(step));
                assertTrue(batchNorm.get("mean_abs").asDouble() >= 0, metrics.get(step));
            }
        }

        JsonNode summary = json.readTree(runDir.resolve(RunDirectory.SUMMARY).toFile());
        assertEquals(STEPS, summary.get("steps").asInt());
        assertEquals(3, summary.get("epochs").asInt());
        double accuracy = summary.get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.5, "test accuracy " + accuracy + " should be far above chance (0.1)");
        assertEquals(10, summary.get("per_class_accuracy").size());
        assertEquals(10, summary.get("confusion_matrix").size());
        long counted = 0;
        for (JsonNode row : summary.get("confusion_matrix")) {
            for (JsonNode cell : row) {
                counted += cell.asLong();
            }
        }
        assertEquals(128, counted);
        assertEquals(0, summary.get("skipped_steps").asInt());
        assertTrue(summary.get("config_fingerprint").asText().matches("sha256:[0-9a-f]{64}"));
        for (String component : new String[] {"lockstep", "dl4j", "spark", "java"}) {
            assertTrue(summary.get("versions").hasNonNull(component), component);
        }
        assertEquals("3.5.7", summary.get("versions").get("spark").asText());

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(runDir.resolve(RunDirectory.MODEL).toFile());
        assertTrue(restored.getUpdater().getStateViewArray() != null, "model.zip holds the optimizer state");
        LabeledImages test = DatasetLayout.FASHION_MNIST.load(new org.apache.hadoop.fs.Path(data.toString()), Split.TEST,
                new Configuration());
        Network network = Network.of(restored);
        TestEvaluation again = TestEvaluation.of(Evaluator.evaluate(network, test, network.featureShape(),
                DatasetLayout.FASHION_MNIST.normalization()));
        assertEquals(accuracy, again.accuracy(), 1e-12, "the saved model is the one evaluated on the executors");
        assertTrue(Files.readString(runDir.resolve(ReportWriter.REPORT)).contains("<svg class=\"chart"), "the report");

        TrainConfig saved = ConfigLoader.load(runDir.resolve(RunDirectory.CONFIG), List.of()).config();
        assertEquals(runDir.toString(), saved.runDir());
        assertEquals(STEPS, saved.train().maxSteps());
        assertEquals("sha256:" + saved.fingerprint(), summary.get("config_fingerprint").asText());
        try (var files = Files.list(runDir)) {
            assertFalse(files.anyMatch(file -> file.getFileName().toString().endsWith(".tmp")));
        }
        assertEquals(Map.of(), saved.spark().conf());

        // Resume: drop the last checkpoint (step 20), as if the driver had died after step 16's, and go on from
        // step 16 with the run's own config.conf. The 4 steps computed again give the same model, bit for bit.
        Path checkpoints = runDir.resolve("checkpoints");
        try (var listing = Files.list(checkpoints)) {
            assertEquals(List.of("step-0000000008", "step-0000000016", "step-0000000020"),
                    listing.map(file -> file.getFileName().toString()).sorted().toList());
        }
        deleteRecursively(checkpoints.resolve("step-0000000020"));
        CliRun resumed = CliRun.of(List.of("train", runDir.resolve(RunDirectory.CONFIG).toString(), "--resume"));
        assertEquals(Main.OK, resumed.exitCode(), () -> "stdout:\n" + resumed.out() + "\nstderr:\n" + resumed.err());
        assertTrue(resumed.out().contains("at step 16"), resumed.out());
        List<String> resumedLines = Files.readAllLines(runDir.resolve(RunDirectory.METRICS));
        List<String> resumedMetrics = resumedLines.stream().filter(line -> !line.contains("\"type\":\"eval\"")).toList();
        assertEquals(STEPS, resumedMetrics.size());
        assertEquals(metrics.subList(0, 16), resumedMetrics.subList(0, 16));
        assertEquals(evaluations.size(), resumedLines.size() - resumedMetrics.size(), "one evaluation per epoch again");
        JsonNode resumedSummary = json.readTree(runDir.resolve(RunDirectory.SUMMARY).toFile());
        assertEquals(STEPS, resumedSummary.get("steps").asInt());
        MultiLayerNetwork resumedModel = ModelSerializer.restoreMultiLayerNetwork(runDir.resolve(RunDirectory.MODEL).toFile());
        assertEquals(restored.params(), resumedModel.params(), "resumed training ends where uninterrupted training did");
        assertEquals(accuracy, resumedSummary.get("test_accuracy").asDouble(), 1e-12);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
