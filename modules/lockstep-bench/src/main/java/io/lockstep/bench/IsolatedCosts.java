package io.lockstep.bench;

import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.model.Network;
import io.lockstep.model.ParameterLayout;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.DriverStep;
import io.lockstep.step.FlatVector;
import io.lockstep.step.GradientClipper;
import io.lockstep.step.StepAggregate;
import io.lockstep.step.WorkerContribution;
import java.util.List;
import java.util.function.LongSupplier;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parts of a Lockstep step that are plain work (no waiting), each timed alone on the driver's thread after the
 * profiled run, on a copy of the driver's network and the last step's real contributions: what each would cost
 * with no other task competing for the cores. Medians of 50 repetitions after 10 untimed ones, in ms.
 *
 * @param localBatch         a worker's batch from uint8 images ({@code toDataSet} of {@code localBatchSize} examples)
 * @param aggregate          {@code StepAggregate.of} over the W contributions
 * @param sumGradients       {@code StepAggregate.sumGradientsInto}: W FlatVectors to a new INDArray each, added
 * @param globalNorm         {@code GradientClipper.globalNorm} (done at every step, also with clipping off)
 * @param apply              {@code DriverStep.apply} in all (sum, divide, running stats, norms, clip, guard, Adam,
 *                           subtract)
 * @param applyWithoutGuard  the same with the explosion guard off (no copy of parameters and Adam state per step)
 * @param updater            DL4J's updater alone ({@code BaseMultiLayerUpdater.update}: Adam over every slot)
 * @param paramsToFlatVector {@code FlatVector.of(params)}: the driver's reply, and a worker's gradient copy
 * @param copyIntoParams     {@code FlatVector.copyInto(params)}: a worker's setParameters
 */
record IsolatedCosts(int localBatchSize, double localBatch, double aggregate, double sumGradients, double globalNorm,
                     double apply, double applyWithoutGuard, double updater, double paramsToFlatVector,
                     double copyIntoParams, long parameters) {

    /**
     * @param step         a driver step as the run's, on a copy of the driver's network (this one changes it)
     * @param withoutGuard the same without the explosion guard, on another copy
     */
    static IsolatedCosts measure(DriverStep step, DriverStep withoutGuard, List<WorkerContribution> contributions,
                                 BenchData data, int localBatchSize) {
        Network net = step.network();
        ParameterLayout layout = ParameterLayout.of(net);
        GradientClipper clipper = new GradientClipper(ClippingConfig.NONE, layout);
        INDArray gradient = net.flattenedGradients();
        INDArray params = net.params();
        StepAggregate aggregate = StepAggregate.of(contributions);
        FlatVector flatParams = FlatVector.of(params);
        int[] indices = new int[localBatchSize];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return new IsolatedCosts(localBatchSize,
                median(() -> {
                    data.images().toDataSet(indices, FeatureShape.FLAT, params.dataType(), data.normalization());
                    return 0;
                }),
                median(() -> StepAggregate.of(contributions).exampleCount()),
                median(() -> {
                    aggregate.sumGradientsInto(gradient);
                    return 0;
                }),
                median(() -> (long) clipper.globalNorm(gradient)),
                median(() -> step.apply(aggregate).examples()),
                median(() -> withoutGuard.apply(aggregate).examples()),
                median(() -> {
                    net.updater().update(gradientOf(gradient, layout), net.iterationCount(), net.epochCount(), 1,
                            LayerWorkspaceMgr.noWorkspaces());
                    return 0;
                }),
                median(() -> FlatVector.of(params).length()),
                median(() -> {
                    flatParams.copyInto(params);
                    return 0;
                }),
                params.length());
    }

    /** DL4J's view of a flat gradient as DriverStep hands it to the updater: the array plus a view per parameter. */
    private static Gradient gradientOf(INDArray flat, ParameterLayout layout) {
        Gradient gradient = new DefaultGradient(flat);
        for (ParameterLayout.Slot slot : layout.slots()) {
            gradient.setGradientFor(slot.key(),
                    flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(slot.offset(), slot.end())));
        }
        return gradient;
    }

    /** The median time of {@code work}, in ms; its result is only there so that the JIT cannot drop the work. */
    static double median(LongSupplier work) {
        long[] nanos = new long[50];
        long sink = 0;
        for (int i = -10; i < nanos.length; i++) {
            long start = System.nanoTime();
            sink += work.getAsLong();
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        if (sink == Long.MIN_VALUE) {
            System.out.print("");
        }
        return Summary.ofNanos(nanos).median();
    }
}
