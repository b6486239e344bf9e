package io.lockstep.cli;

import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.eval.Evaluator;

/**
 * A trained network's accuracy on the test set, from a confusion matrix computed on the executors
 * ({@link io.lockstep.spark.eval.SparkEvaluator}) or on the driver with {@link Evaluator}: the network in
 * inference mode (batch norm with its running statistics), fed the same normalized features as in training, in
 * batches.
 *
 * @param accuracy          fraction of examples whose arg-max prediction is the label
 * @param perClassAccuracy  per class: the fraction of its examples predicted right; NaN for a class with no example
 * @param confusion         {@code confusion[actual][predicted]} = number of examples
 */
record TestEvaluation(double accuracy, double[] perClassAccuracy, long[][] confusion, int examples) {

    static TestEvaluation of(ConfusionMatrix matrix) {
        return new TestEvaluation(matrix.accuracy(), matrix.perClassAccuracy(), matrix.counts(), (int) matrix.total());
    }
}
