package io.lockstep.bench;

import io.lockstep.collective.InProcessCollectiveGroup;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncMode;
import io.lockstep.runner.WorkerReplica;
import io.lockstep.step.DriverStep;
import io.lockstep.step.FlatVector;
import io.lockstep.step.StepAggregate;
import io.lockstep.step.WorkerContribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The driver's part of a step for W contributions of P values, on one ND4J thread, as SparkTrainer's step handler
 * runs it ({@code StepLoop.onStep}): {@code StepAggregate.of}, {@code DriverStep.apply} with SparkTrainer's default
 * options (exact SyncBN, the default explosion guard, DL4J's Adam) and {@code FlatVector.of} of the new parameters
 * for the reply. The contributions are one real worker gradient (and its SyncBN moments) sent by every rank.
 */
final class DriverStepCost {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int CONTRIBUTION_BATCH = 32;

    private DriverStepCost() {
    }

    /** The median driver step of one network for one W, in ms. */
    record Point(String network, long parameters, int workers, Summary millis) {
    }

    static List<Point> measure(String name, Supplier<Model> model, ComputeCost.Images images, int[] workers,
                               int warmup, int steps) {
        Nd4jThreads.use(1);
        Network network = Network.of(model.get());
        WorkerContribution sample = sampleContribution(network.copy(), images);
        List<Point> points = new ArrayList<>();
        for (int w : workers) {
            // W and the global batch only shape SparkTrainer's options here; the step itself is the same for any W.
            DriverStep step = ProfiledRun.driverStep(network, new ProfiledRun.Settings(name, w, w * CONTRIBUTION_BATCH,
                    0, 1, 0, 1, 1));
            long[] nanos = new long[steps];
            for (int i = -warmup; i < steps; i++) {
                long stepNumber = i + warmup;
                List<WorkerContribution> byRank = new ArrayList<>(w);
                for (int rank = 0; rank < w; rank++) {
                    byRank.add(new WorkerContribution(stepNumber, rank, sample.exampleCount(), sample.lossSum(),
                            sample.gradientSum(), sample.batchNormMoments()));
                }
                long start = System.nanoTime();
                step.apply(StepAggregate.of(byRank));
                FlatVector.of(network.params());
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
            points.add(new Point(name, network.params().length(), w, Summary.ofNanos(nanos)));
        }
        return points;
    }

    /** One worker's contribution for a batch of {@link #CONTRIBUTION_BATCH} examples: a real gradient and moments. */
    private static WorkerContribution sampleContribution(Network network, ComputeCost.Images images) {
        WorkerReplica replica = new WorkerReplica(network, SyncMode.EXACT,
                new InProcessCollectiveGroup(1, TIMEOUT).member(0));
        int[] indices = new int[CONTRIBUTION_BATCH];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return replica.computeStep(0, images.images().toDataSet(indices, network.featureShape(), DataType.FLOAT,
                images.normalization()));
    }
}
