package io.lockstep.spark.eval;

import io.lockstep.data.LabeledImages;
import io.lockstep.runner.ShardPlan;
import java.util.ArrayList;
import java.util.List;

/** Contiguous, balanced parts of a dataset (order does not matter for evaluation). */
final class TestSplits {
    private TestSplits() {
    }

    static List<LabeledImages> contiguous(LabeledImages images, int parts) {
        List<LabeledImages> split = new ArrayList<>(parts);
        int start = 0;
        for (int size : ShardPlan.balanced(images.count(), parts)) {
            int[] indices = new int[size];
            for (int i = 0; i < size; i++) {
                indices[i] = start + i;
            }
            split.add(images.subset(indices));
            start += size;
        }
        return split;
    }
}
