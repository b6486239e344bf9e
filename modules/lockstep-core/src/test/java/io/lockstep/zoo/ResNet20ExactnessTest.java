package io.lockstep.zoo;

import static io.lockstep.testing.Closeness.assertClose;
import static io.lockstep.testing.ParameterAssertions.assertSameParameters;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.nn.SyncMode;
import io.lockstep.runner.InProcessTrainer;
import io.lockstep.step.ClippingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The promise on the CIFAR network: ResNet-20 with exact SyncBN on W = 2 workers computes what it computes on one,
 * step by step, and learns.
 */
class ResNet20ExactnessTest {
    private static final int STEPS = 20;
    private static final int BATCH = 16;
    private static final double TOLERANCE = 1e-8;

    @Test
    void twoWorkersMatchOneOverTwentyAdamStepsWhileTheLossFalls() {
        ComputationGraphConfiguration conf = ResNet20.configuration(17, DataType.DOUBLE, new Adam(3e-3), 10);
        ComputationGraph single = new ComputationGraph(conf);
        single.init();
        ComputationGraph parallel = new ComputationGraph(conf.clone());
        parallel.init(single.params().dup(), false);
        List<DataSet> batches = batches(ColorBlocks.of(23, STEPS * BATCH, 10));

        long start = System.nanoTime();
        double[] parallelLoss = train(parallel, 2, batches);
        long parallelNanos = System.nanoTime() - start;
        start = System.nanoTime();
        double[] singleLoss = train(single, 1, batches);
        long singleNanos = System.nanoTime() - start;
        System.out.printf("ResNet-20, double, %d steps of batch %d: W=2 %.1f s, W=1 %.1f s%n", STEPS, BATCH,
                parallelNanos / 1e9, singleNanos / 1e9);
        System.out.println("loss per step (W=2): " + Arrays.toString(parallelLoss));

        assertSameParameters(single, parallel, TOLERANCE);
        assertClose(single.getUpdater().getStateViewArray(), parallel.getUpdater().getStateViewArray(), TOLERANCE,
                "Adam state");
        double first = Arrays.stream(parallelLoss, 0, 5).average().orElseThrow();
        double last = Arrays.stream(parallelLoss, STEPS - 5, STEPS).average().orElseThrow();
        assertTrue(last < first, "mean loss of the last 5 steps " + last + " not below the first 5 " + first);
    }

    private static double[] train(ComputationGraph graph, int workers, List<DataSet> batches) {
        double[] loss = new double[batches.size()];
        try (InProcessTrainer trainer = new InProcessTrainer(graph, workers, SyncMode.EXACT, ClippingConfig.NONE,
                null)) {
            for (int step = 0; step < batches.size(); step++) {
                loss[step] = trainer.step(batches.get(step)).loss();
            }
        }
        return loss;
    }

    /** Consecutive, disjoint batches: every step sees new images. */
    private static List<DataSet> batches(LabeledImages images) {
        List<DataSet> batches = new ArrayList<>();
        for (int step = 0; step < images.count() / BATCH; step++) {
            int[] indices = IntStream.range(step * BATCH, (step + 1) * BATCH).toArray();
            batches.add(images.toDataSet(indices, FeatureShape.NCHW, DataType.DOUBLE));
        }
        return batches;
    }
}
