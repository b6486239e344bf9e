package io.lockstep.spark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.data.LabeledImages;
import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.eval.Evaluator;
import io.lockstep.model.Network;
import io.lockstep.runner.InProcessTrainer;
import io.lockstep.spark.LocalSpark;
import io.lockstep.testing.RandomImages;
import io.lockstep.step.ClippingConfig;
import io.lockstep.zoo.LeNet5;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

class SparkEvaluatorTest {

    @Test
    void distributedConfusionMatrixEqualsTheSingleJvmOne() {
        LabeledImages images = RandomImages.of(300, 8);
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(4, DataType.FLOAT, new Adam(1e-2), 10));
        net.init();
        // a few steps, so that the running statistics (used in inference) are not the initial ones
        try (InProcessTrainer trainer = new InProcessTrainer(net, 1, io.lockstep.nn.SyncMode.EXACT, ClippingConfig.NONE, null)) {
            for (int step = 0; step < 3; step++) {
                trainer.step(images.toDataSet(new int[] {step, step + 10, step + 20, step + 30}, LabeledImages.FeatureShape.FLAT,
                        DataType.FLOAT));
            }
        }
        Network network = Network.of(net);
        ConfusionMatrix local = Evaluator.evaluate(network, images, network.featureShape(), null);

        ConfusionMatrix distributed;
        try (SparkEvaluator evaluator = new SparkEvaluator(JavaSparkContext.fromSparkContext(LocalSpark.context()), images, 3,
                network.featureShape(), null)) {
            distributed = evaluator.evaluate(net);
        }

        assertEquals(300, distributed.total());
        for (int c = 0; c < 10; c++) {
            assertArrayEquals(local.counts()[c], distributed.counts()[c], "row " + c);
        }
    }
}
