package io.lockstep.runner;

import java.util.Arrays;

/** How a global batch of N examples splits into W contiguous shards: sizes differ by at most one, first ones larger. */
public final class ShardPlan {
    private ShardPlan() {
    }

    public static int[] balanced(int examples, int workers) {
        int[] sizes = new int[workers];
        Arrays.fill(sizes, examples / workers);
        for (int i = 0; i < examples % workers; i++) {
            sizes[i]++;
        }
        return sizes;
    }
}
