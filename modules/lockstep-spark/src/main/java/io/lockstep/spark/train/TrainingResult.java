package io.lockstep.spark.train;

import org.deeplearning4j.nn.api.Model;

/**
 * What a training run produced: the trained DL4J network (the driver's copy) and its totals.
 *
 * @param finalLoss mean training loss of the last step that was applied
 */
public record TrainingResult(Model model, long steps, int epochs, double finalLoss, long skippedSteps,
                             long clippedSteps, long examples, double seconds) {

    public double imagesPerSecond() {
        return seconds > 0 ? examples / seconds : 0;
    }
}
