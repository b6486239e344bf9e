package io.lockstep.cli;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.eval.Evaluator;
import io.lockstep.model.Network;
import org.deeplearning4j.nn.api.Model;

/**
 * A trained network's accuracy on the test set, computed on the driver with {@link Evaluator}: the network in
 * inference mode (batch norm with its running statistics), fed the same normalized features as in training, in
 * batches.
 *
 * @param accuracy          fraction of examples whose arg-max prediction is the label
 * @param perClassAccuracy  per class: the fraction of its examples predicted right; NaN for a class with no example
 * @param confusion         {@code confusion[actual][predicted]} = number of examples
 */
record TestEvaluation(double accuracy, double[] perClassAccuracy, long[][] confusion, int examples) {

    static TestEvaluation of(Model model, LabeledImages test, ChannelNormalization normalization) {
        Network network = Network.of(model);
        ConfusionMatrix matrix = Evaluator.evaluate(network, test, network.featureShape(), normalization);
        return new TestEvaluation(matrix.accuracy(), matrix.perClassAccuracy(), matrix.counts(), test.count());
    }
}
