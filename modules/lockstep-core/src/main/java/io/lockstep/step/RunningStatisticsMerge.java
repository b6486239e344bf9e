package io.lockstep.step;

import io.lockstep.math.ArrayElements;
import io.lockstep.math.Moments;
import io.lockstep.model.ParameterLayout.Slot;
import io.lockstep.nn.RunningStatistics;
import io.lockstep.nn.SyncBatchNormLayer;
import io.lockstep.nn.SyncMode;
import java.util.List;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes each SyncBN layer's running-statistics update into the gradient slots that DL4J's NoOp updater applies,
 * replacing the workers' summed (and so W-fold) values. In exact and stats mode the batch statistics are the
 * Chan merge of all workers' moments in rank order, the very global statistics exact mode normalized with; in
 * local mode each worker's own update is averaged over the workers that had data.
 */
final class RunningStatisticsMerge {
    private final SyncMode mode;
    private final List<Slot> slots;

    RunningStatisticsMerge(SyncMode mode, List<Slot> runningStatisticSlots) {
        this.mode = mode;
        this.slots = runningStatisticSlots;
    }

    void writeUpdates(INDArray gradient, StepAggregate aggregate) {
        ArrayElements elements = ArrayElements.of(gradient);
        for (Slot slot : slots) {
            SyncBatchNormLayer layer = (SyncBatchNormLayer) slot.layer();
            boolean mean = slot.paramName().equals(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            double[] update = update(layer, mean, aggregate.moments(layer.getIndex()));
            for (int c = 0; c < update.length; c++) {
                elements.set(Math.toIntExact(slot.offset()) + c, update[c]);
            }
        }
    }

    private double[] update(SyncBatchNormLayer layer, boolean mean, List<Moments> byRank) {
        if (mode != SyncMode.LOCAL) {
            return delta(layer, mean, Moments.mergeInOrder(byRank));
        }
        double[] average = null;
        int workersWithData = 0;
        for (Moments local : byRank) {
            if (local.count() == 0) {
                continue;
            }
            double[] delta = delta(layer, mean, local);
            if (average == null) {
                average = new double[delta.length];
            }
            for (int c = 0; c < delta.length; c++) {
                average[c] += delta[c];
            }
            workersWithData++;
        }
        for (int c = 0; c < average.length; c++) {
            average[c] /= workersWithData;
        }
        return average;
    }

    private static double[] delta(SyncBatchNormLayer layer, boolean mean, Moments batch) {
        return mean ? RunningStatistics.meanDelta(layer, batch) : RunningStatistics.varianceDelta(layer, batch);
    }
}
