package io.lockstep.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.LabeledImages;
import io.lockstep.spark.LocalSpark;
import io.lockstep.testing.RandomImages;
import io.lockstep.step.ClippingConfig;
import io.lockstep.zoo.LeNet5;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/** A worker task that dies mid-segment costs nothing: Spark re-runs the stage and it resumes at the driver's step. */
class SparkTrainerRecoveryTest {

    @AfterEach
    void noMoreFailures() {
        System.clearProperty(FaultInjection.STEP_PROPERTY);
        System.clearProperty(FaultInjection.RANK_PROPERTY);
        FaultInjection.rearm();
    }

    private static float[] train(LabeledImages data) {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(23, DataType.FLOAT, new Adam(1e-2), 10));
        net.init();
        TrainingResult result = SparkTrainer.train(JavaSparkContext.fromSparkContext(LocalSpark.context()), net, data,
                null, TrainingOptions.of(2, 16, 2).withSeed(23).withClipping(ClippingConfig.globalNorm(1.0)), null);
        assertEquals(12, result.steps());
        return net.params().toFloatVector();
    }

    @Test
    void aTaskKilledMidSegmentFinishesBitIdenticalToAnUninterruptedRun() {
        LabeledImages data = RandomImages.of(96, 5);

        float[] uninterrupted = train(data);
        System.setProperty(FaultInjection.STEP_PROPERTY, "3");
        System.setProperty(FaultInjection.RANK_PROPERTY, "1");
        FaultInjection.rearm();
        float[] interrupted = train(data);
        assertTrue(!FaultInjection.armed(), "the injected failure happened");

        assertArrayEquals(uninterrupted, interrupted);
    }
}
