package io.lockstep.spark.train;

import java.util.SplittableRandom;

/**
 * The deterministic order in which a worker visits its shard in an epoch: a Fisher-Yates shuffle seeded by
 * (seed, epoch, rank), so that a rerun, a retried stage or a resumed run sees exactly the same batches.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    public static int[] of(long seed, int epoch, int rank, int shardSize) {
        SplittableRandom random = new SplittableRandom(mix(mix(seed, epoch), rank));
        int[] order = new int[shardSize];
        for (int i = 0; i < shardSize; i++) {
            order[i] = i;
        }
        for (int i = shardSize - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The examples (shard indices) a worker takes at step t of the epoch, with local batch size b. */
    public static int[] batch(int[] order, int stepInEpoch, int localBatch) {
        int[] indices = new int[localBatch];
        System.arraycopy(order, stepInEpoch * localBatch, indices, 0, localBatch);
        return indices;
    }

    private static long mix(long a, long b) {
        return (a * 0x9E3779B97F4A7C15L) ^ (b + 0x632BE59BD9B4E019L + (a << 6) + (a >>> 2));
    }
}
