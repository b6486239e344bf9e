package io.lockstep.spark.train;

import io.lockstep.runner.ShardPlan;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;

/**
 * Training data ready for the barrier workers: a cached RDD of W partitions, partition r holding exactly one
 * shard, worker r's. Close it to release the cache.
 */
public final class WorkerShards<S extends WorkerShard> implements AutoCloseable {
    private final JavaRDD<S> partitions;
    private final int[] sizes;
    private final Runnable release;

    /** @param release what else to release with the cached partitions (broadcasts they were made with), or null */
    WorkerShards(JavaRDD<S> partitions, int[] sizes, Runnable release) {
        if (partitions.getNumPartitions() != sizes.length) {
            throw new IllegalArgumentException(partitions.getNumPartitions() + " partitions for " + sizes.length
                    + " shards");
        }
        this.partitions = partitions;
        this.sizes = sizes.clone();
        this.release = release;
    }

    /** The partitions, one shard each, in rank order. */
    public JavaRDD<S> partitions() {
        return partitions;
    }

    public int workers() {
        return sizes.length;
    }

    /** Examples in each worker's shard, in rank order. */
    public int[] sizes() {
        return sizes.clone();
    }

    public long examples() {
        return Arrays.stream(sizes).asLongStream().sum();
    }

    /** Steps per epoch: every worker must fill its share of the global batch at every step. */
    public int stepsPerEpoch(int globalBatch) {
        int[] localBatches = ShardPlan.balanced(globalBatch, sizes.length);
        int steps = Integer.MAX_VALUE;
        for (int rank = 0; rank < sizes.length; rank++) {
            steps = Math.min(steps, localBatches[rank] == 0 ? Integer.MAX_VALUE : sizes[rank] / localBatches[rank]);
        }
        if (steps == 0) {
            throw new IllegalArgumentException("the global batch (" + globalBatch + ") is larger than the data ("
                    + examples() + " examples over " + sizes.length + " workers)");
        }
        return steps;
    }

    @Override
    public void close() {
        partitions.unpersist(false);
        if (release != null) {
            release.run();
        }
    }
}
