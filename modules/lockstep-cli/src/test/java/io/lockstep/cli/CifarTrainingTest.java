package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * {@code lockstep train} on CIFAR-10's binary format with ResNet-20 (a ComputationGraph, NCHW features) and the
 * crop-flip augmentation: Spark local[2], W = 2, a few steps on a small synthetic dataset.
 */
class CifarTrainingTest {
    private static final int STEPS = 6;

    @TempDir
    Path tmp;

    @Test
    void trainsResNet20OnCifarFormatDataWithAugmentation() throws IOException {
        Path data = SyntheticImages.writeCifar(tmp.resolve("cifar"), 16, 40, 3);
        Path runDir = tmp.resolve("runs/cifar");
        Path conf = tmp.resolve("cifar.conf");
        Files.writeString(conf, String.join("\n",
                "lockstep {",
                "  spark.master = \"local[2]\"",
                "  workers = 2",
                "  train { batch-size = 16, epochs = 2, max-steps = " + STEPS + " }",
                "  optimizer { name = nesterov, learning-rate = 0.05, momentum = 0.9, weight-decay = 0.0005 }",
                "  data { name = cifar10, augmentation = crop-flip }",
                "  checkpoint.every-steps = 0",
                "  model = resnet20-bn",
                "}"));

        CliRun run = CliRun.of(List.of("train", conf.toString(), "--set", "lockstep.run-dir=" + runDir,
                "--set", "lockstep.data.dir=" + data));

        assertEquals(Main.OK, run.exitCode(), () -> "stdout:\n" + run.out() + "\nstderr:\n" + run.err());
        ObjectMapper json = new ObjectMapper();
        List<String> steps = Files.readAllLines(runDir.resolve(RunDirectory.METRICS)).stream()
                .filter(line -> !line.contains("\"type\":\"eval\"")).toList();
        assertEquals(STEPS, steps.size());
        for (String step : steps) {
            assertTrue(Double.isFinite(json.readTree(step).get("loss").asDouble()), step);
        }
        JsonNode summary = json.readTree(runDir.resolve(RunDirectory.SUMMARY).toFile());
        assertEquals("resnet20-bn", summary.get("model").asText());
        assertEquals("cifar10", summary.get("dataset").asText());
        assertEquals(40, summary.get("test_examples").asInt());
        assertEquals(3, summary.get("normalization").get("mean").size());
        ComputationGraph trained = ModelSerializer.restoreComputationGraph(runDir.resolve(RunDirectory.MODEL).toFile());
        assertEquals(269_722, trained.numParams() - runningStatistics(trained));
        assertTrue(Files.readString(runDir.resolve(RunDirectory.CONFIG)).contains("crop-flip"));
    }

    /** The batch norms' running means and variances: parameters to DL4J, statistics to everyone else. */
    private static long runningStatistics(ComputationGraph graph) {
        return graph.paramTable().entrySet().stream()
                .filter(entry -> entry.getKey().endsWith("_mean") || entry.getKey().endsWith("_var"))
                .mapToLong(entry -> entry.getValue().length()).sum();
    }
}
