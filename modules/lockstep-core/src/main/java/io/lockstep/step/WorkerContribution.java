package io.lockstep.step;

import io.lockstep.math.Moments;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one worker sends the driver for one step: the sum (not the mean) of its per-example gradients, its
 * example count and loss sum, and the per-channel moments each SyncBN layer saw on its shard. Sums and counts
 * make uneven shards exact: the driver divides by the global count.
 */
public final class WorkerContribution implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final int rank;
    private final long exampleCount;
    private final double lossSum;
    private final FlatVector gradientSum;
    private final TreeMap<Integer, double[]> packedMoments;

    public WorkerContribution(long step, int rank, long exampleCount, double lossSum, FlatVector gradientSum,
                              Map<Integer, Moments> batchNormMoments) {
        this.step = step;
        this.rank = rank;
        this.exampleCount = exampleCount;
        this.lossSum = lossSum;
        this.gradientSum = gradientSum;
        this.packedMoments = new TreeMap<>();
        batchNormMoments.forEach((layer, moments) -> packedMoments.put(layer, moments.pack()));
    }

    public long step() {
        return step;
    }

    public int rank() {
        return rank;
    }

    public long exampleCount() {
        return exampleCount;
    }

    public double lossSum() {
        return lossSum;
    }

    public FlatVector gradientSum() {
        return gradientSum;
    }

    /** The moments of each SyncBN layer's input on this worker's shard, by layer index. */
    public SortedMap<Integer, Moments> batchNormMoments() {
        TreeMap<Integer, Moments> moments = new TreeMap<>();
        packedMoments.forEach((layer, packed) -> moments.put(layer, Moments.unpack(packed)));
        return Collections.unmodifiableSortedMap(moments);
    }
}
