package io.lockstep.zoo;

import static io.lockstep.testing.ParameterAssertions.assertSameParameters;
import static io.lockstep.zoo.ZooAssertions.trainableParameters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.nn.SyncMode;
import io.lockstep.runner.InProcessTrainer;
import io.lockstep.step.ClippingConfig;
import io.lockstep.testing.Dl4jTwin;
import io.lockstep.testing.RandomBatches;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class MlpTest {

    private static MultiLayerNetwork network(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void hasTheDocumentedParameterCount() {
        MultiLayerNetwork net = network(Mlp.configuration(1, DataType.FLOAT, new Adam(1e-3), 10));

        // 784 x 256 + BN 2 x 256 + 256 x 128 + BN 2 x 128 + 128 x 10 + 10
        assertEquals(784 * 256 + 2 * 256 + 256 * 128 + 2 * 128 + 128 * 10 + 10, trainableParameters(net));
        assertEquals(235_530, trainableParameters(net));
    }

    @Test
    void classifiesFlatImagesIntoTheClasses() {
        MultiLayerNetwork net = network(Mlp.configuration(1, DataType.FLOAT, new Adam(1e-3), 10));

        assertArrayEquals(new long[] {5, 10}, net.output(Nd4j.rand(DataType.FLOAT, 5, 784)).shape());
    }

    @Test
    void takesOtherWidths() {
        MultiLayerNetwork net = network(Mlp.configuration(1, DataType.FLOAT, new Adam(1e-3), 12, 8, 6, 3));

        assertArrayEquals(new long[] {4, 3}, net.output(Nd4j.rand(DataType.FLOAT, 4, 12)).shape());
        assertEquals(12 * 8 + 2 * 8 + 8 * 6 + 2 * 6 + 6 * 3 + 3, trainableParameters(net));
    }

    @Test
    void survivesJsonRoundTrip() {
        MultiLayerConfiguration conf = Mlp.configuration(9, DataType.DOUBLE, new Adam(2e-3), 784, 64, 32, 10);

        MultiLayerConfiguration copy = MultiLayerConfiguration.fromJson(conf.toJson());

        assertEquals(conf, copy);
        assertEquals(conf.toJson(), copy.toJson());
    }

    @Test
    void rejectsAnEmptyHiddenLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Mlp.configuration(1, DataType.FLOAT, new Adam(1e-3), 784, 0, 10, 10));
        assertEquals("hidden1 must be at least 1, got 0", e.getMessage());
    }

    @Test
    void twoWorkersMatchDl4jFitOverTenAdamSteps() {
        MultiLayerConfiguration conf = Mlp.configuration(3, DataType.DOUBLE, new Adam(1e-2), 10);
        Dl4jTwin.useBiasedRunningVariance(conf);
        MultiLayerNetwork reference = network(Dl4jTwin.withDl4jBatchNorm(conf));
        MultiLayerNetwork lockstep = new MultiLayerNetwork(conf);
        lockstep.init(reference.params().dup(), false);

        List<DataSet> batches = RandomBatches.of(21, 10, DataType.DOUBLE, new long[] {16, 784}, 10);
        try (InProcessTrainer trainer = new InProcessTrainer(lockstep, 2, SyncMode.EXACT, ClippingConfig.NONE, null)) {
            for (DataSet batch : batches) {
                trainer.step(batch);
                reference.fit(batch);
            }
        }
        assertSameParameters(reference, lockstep, 1e-8);
    }
}
