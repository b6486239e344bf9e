package io.lockstep.step;

import io.lockstep.math.Moments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The workers' contributions to one step, combined on the driver in rank order (so the result does not
 * depend on arrival order): the global gradient sum, example count and loss sum, and each SyncBN layer's
 * per-worker moments.
 */
public final class StepAggregate {
    private final long step;
    private final long exampleCount;
    private final double lossSum;
    private final Map<Integer, List<Moments>> momentsByLayer;
    private final List<WorkerContribution> byRank;

    private StepAggregate(long step, long exampleCount, double lossSum, Map<Integer, List<Moments>> momentsByLayer,
                          List<WorkerContribution> byRank) {
        this.step = step;
        this.exampleCount = exampleCount;
        this.lossSum = lossSum;
        this.momentsByLayer = momentsByLayer;
        this.byRank = byRank;
    }

    /** Combines one contribution per rank, given in rank order, all for the same step. */
    public static StepAggregate of(List<WorkerContribution> byRank) {
        long step = byRank.get(0).step();
        long count = 0;
        double loss = 0;
        Map<Integer, List<Moments>> moments = new TreeMap<>();
        for (int rank = 0; rank < byRank.size(); rank++) {
            WorkerContribution contribution = byRank.get(rank);
            if (contribution.step() != step || contribution.rank() != rank) {
                throw new IllegalArgumentException("contribution of rank " + contribution.rank() + " for step "
                        + contribution.step() + " found at rank " + rank + " of step " + step);
            }
            count += contribution.exampleCount();
            loss += contribution.lossSum();
            contribution.batchNormMoments().forEach(
                    (layer, m) -> moments.computeIfAbsent(layer, k -> new ArrayList<>()).add(m));
        }
        return new StepAggregate(step, count, loss, moments, List.copyOf(byRank));
    }

    public long step() {
        return step;
    }

    public long exampleCount() {
        return exampleCount;
    }

    /** Mean loss over the global batch. */
    public double meanLoss() {
        return lossSum / exampleCount;
    }

    /** target = sum of the workers' gradient sums, added in rank order. */
    public void sumGradientsInto(INDArray target) {
        target.assign(0);
        for (WorkerContribution contribution : byRank) {
            contribution.gradientSum().addTo(target);
        }
    }

    /** Each worker's moments for one SyncBN layer, in rank order. */
    public List<Moments> moments(int layerIndex) {
        List<Moments> moments = momentsByLayer.get(layerIndex);
        if (moments == null || moments.size() != byRank.size()) {
            throw new IllegalStateException("step " + step + ": not every worker reported moments for layer " + layerIndex);
        }
        return moments;
    }
}
