package io.lockstep.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.data.LabeledImages;
import io.lockstep.spark.LocalSpark;
import io.lockstep.step.StepOutcome;
import io.lockstep.testing.RandomImages;
import io.lockstep.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/** A listener that asks to stop ends training after that step, as if it had been the last. */
class EarlyStopTest {
    // 64 examples, batch 16: 4 steps per epoch; the stop after step 5 falls in the middle of epoch 1 of 3.
    private static final LabeledImages DATA = RandomImages.of(64, 8);
    private static final long STOP_AFTER = 5;

    @Test
    void stopsAfterTheStepTheListenerNamesWithTheParametersOfThatStep() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.context());
        MultiLayerNetwork cutShort = fresh();
        MultiLayerNetwork reference = fresh();
        StoppingListener listener = new StoppingListener();

        TrainingResult result = SparkTrainer.train(sc, cutShort, DATA, null, TrainingOptions.of(2, 16, 3).withSeed(9),
                listener);
        SparkTrainer.train(sc, reference, DATA, null,
                TrainingOptions.of(2, 16, 3).withSeed(9).withMaxSteps(STOP_AFTER + 1), null);

        assertEquals(STOP_AFTER + 1, result.steps());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), listener.steps);
        assertEquals(1, result.epochs(), "the epoch cut short does not count");
        assertEquals(List.of(0), listener.endedEpochs);
        assertArrayEquals(reference.params().toDoubleVector(), cutShort.params().toDoubleVector());
    }

    private static MultiLayerNetwork fresh() {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(9, DataType.FLOAT, new Adam(1e-2), 10));
        net.init();
        return net;
    }

    private static final class StoppingListener implements StepListener {
        final List<Long> steps = new ArrayList<>();
        final List<Integer> endedEpochs = new ArrayList<>();

        @Override
        public void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
            steps.add(outcome.step());
        }

        @Override
        public boolean stopRequested() {
            return steps.get(steps.size() - 1) == STOP_AFTER;
        }

        @Override
        public void onEpochEnd(int epoch) {
            endedEpochs.add(epoch);
        }
    }
}
