package io.lockstep.cli;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.model.Network;
import io.lockstep.spark.eval.SparkEvaluator;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;

/**
 * The test-set evaluation of a run, on the executors: after every epoch (a line in metrics.jsonl and in the
 * output) and at the end (the summary), without evaluating the same parameters twice.
 */
final class EpochEvaluation implements AutoCloseable {
    private final SparkEvaluator evaluator;
    private final Model model;
    private final MetricsWriter metrics;
    private final PrintStream out;
    private final boolean terminal;
    private ConfusionMatrix latest;
    private long latestStep = -1;

    EpochEvaluation(JavaSparkContext spark, Model model, LabeledImages test, ChannelNormalization normalization,
                    int partitions, MetricsWriter metrics, PrintStream out, boolean terminal) {
        this.evaluator = new SparkEvaluator(spark, test, partitions, Network.of(model).featureShape(), normalization);
        this.model = model;
        this.metrics = metrics;
        this.out = out;
        this.terminal = terminal;
    }

    /** After the epoch whose last step was {@code lastStep}. */
    void afterEpoch(int epoch, long lastStep) {
        latest = evaluator.evaluate(model);
        latestStep = lastStep;
        metrics.onEvaluation(lastStep, epoch, latest.accuracy());
        out.printf(Locale.ROOT, "%slockstep: epoch %d: test accuracy %.4f%n", terminal ? System.lineSeparator() : "",
                epoch + 1, latest.accuracy());
    }

    /** The evaluation of the model as training left it at {@code lastStep}. */
    ConfusionMatrix atEnd(long lastStep) {
        if (latest == null || latestStep != lastStep) {
            latest = evaluator.evaluate(model);
            latestStep = lastStep;
        }
        return latest;
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
