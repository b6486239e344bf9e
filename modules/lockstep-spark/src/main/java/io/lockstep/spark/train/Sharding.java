package io.lockstep.spark.train;

import io.lockstep.data.LabeledImages;
import io.lockstep.runner.ShardPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a dataset into W balanced shards, one per worker, after one seeded global shuffle (dataset files are
 * often sorted by class, and a worker must not see only a few classes).
 */
public final class Sharding {
    private Sharding() {
    }

    public static List<LabeledImages> split(LabeledImages data, int workers, long seed) {
        int[] order = EpochOrder.of(seed, -1, -1, data.count());
        int[] sizes = ShardPlan.balanced(data.count(), workers);
        List<LabeledImages> shards = new ArrayList<>(workers);
        int start = 0;
        for (int size : sizes) {
            int[] indices = new int[size];
            System.arraycopy(order, start, indices, 0, size);
            shards.add(data.subset(indices));
            start += size;
        }
        return shards;
    }

    /** Steps per epoch: every worker must fill its share of the global batch at every step. */
    public static int stepsPerEpoch(List<LabeledImages> shards, int globalBatch) {
        int[] localBatches = ShardPlan.balanced(globalBatch, shards.size());
        int steps = Integer.MAX_VALUE;
        for (int rank = 0; rank < shards.size(); rank++) {
            steps = Math.min(steps, shards.get(rank).count() / localBatches[rank]);
        }
        if (steps == 0) {
            throw new IllegalArgumentException("the global batch (" + globalBatch + ") is larger than the data ("
                    + shards.stream().mapToInt(LabeledImages::count).sum() + " examples)");
        }
        return steps;
    }
}
