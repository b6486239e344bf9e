package io.lockstep.cli;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.spark.train.TrainingResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code summary.json}: what the run did and reached, and what it takes to reproduce it (seed,
 * configuration fingerprint, versions). Rates and times are those of the last invocation (after a resume, of the
 * resumed part). Keys, in this order:
 * <pre>
 *   steps, epochs, final_train_loss, test_accuracy, per_class_accuracy, confusion_matrix (rows: actual class,
 *   columns: predicted), images_per_second, skipped_steps, clipped_steps, wall_seconds (whole command, data
 *   loading and evaluation included), train_seconds, train_examples, test_examples, model, dataset, workers,
 *   global_batch, normalization {mean, std} (what inputs must get: (pixel / 255 - mean) / std), seed,
 *   config_fingerprint, versions {lockstep, dl4j, spark, java}
 * </pre>
 */
final class Summary {
    private Summary() {
    }

    /**
     * @param steps the steps of the whole run (a resumed run's before the resume included)
     */
    static Map<String, Object> of(TrainConfig config, TrainingResult result, long steps, TestEvaluation test,
                                  int trainExamples, ChannelNormalization normalization, double wallSeconds,
                                  Map<String, String> versions) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", steps);
        summary.put("epochs", result.epochs());
        summary.put("final_train_loss", Json.finite(result.finalLoss()));
        summary.put("test_accuracy", test.accuracy());
        List<Double> perClass = new ArrayList<>();
        for (double accuracy : test.perClassAccuracy()) {
            perClass.add(Json.finite(accuracy));
        }
        summary.put("per_class_accuracy", perClass);
        summary.put("confusion_matrix", test.confusion());
        summary.put("images_per_second", result.imagesPerSecond());
        summary.put("skipped_steps", result.skippedSteps());
        summary.put("clipped_steps", result.clippedSteps());
        summary.put("clip_global_norm", config.clip().toClippingConfig().globalNorm());
        summary.put("wall_seconds", wallSeconds);
        summary.put("train_seconds", result.seconds());
        summary.put("train_examples", trainExamples);
        summary.put("test_examples", test.examples());
        summary.put("model", config.model().spelling());
        summary.put("dataset", config.data().name().id());
        summary.put("workers", config.workers());
        summary.put("global_batch", config.train().batchSize());
        Map<String, Object> norm = new LinkedHashMap<>();
        double[] mean = new double[normalization.channels()];
        double[] std = new double[normalization.channels()];
        for (int c = 0; c < normalization.channels(); c++) {
            mean[c] = normalization.mean(c);
            std[c] = normalization.std(c);
        }
        norm.put("mean", mean);
        norm.put("std", std);
        summary.put("normalization", norm);
        summary.put("seed", config.seed());
        summary.put("config_fingerprint", "sha256:" + config.fingerprint());
        summary.put("versions", versions);
        return summary;
    }
}
