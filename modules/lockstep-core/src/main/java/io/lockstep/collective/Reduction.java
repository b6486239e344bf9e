package io.lockstep.collective;

import io.lockstep.math.Moments;
import java.util.ArrayList;
import java.util.List;

/**
 * How the contributions of all ranks combine. A reduction always sees the contributions in rank order,
 * so its result is the same on every rank and in every run (floating-point addition is not associative).
 */
public enum Reduction {
    /** Element-wise sum. */
    SUM {
        @Override
        public double[] reduce(List<double[]> byRank) {
            double[] sum = new double[byRank.get(0).length];
            for (double[] contribution : byRank) {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += contribution[i];
                }
            }
            return sum;
        }
    },
    /** Chan merge of packed {@link Moments} (count, mean, M2 per channel). */
    MOMENTS {
        @Override
        public double[] reduce(List<double[]> byRank) {
            List<Moments> shards = new ArrayList<>(byRank.size());
            for (double[] packed : byRank) {
                shards.add(Moments.unpack(packed));
            }
            return Moments.mergeInOrder(shards).pack();
        }
    };

    /** Combines one contribution per rank, given in rank order; all have the same length. */
    public abstract double[] reduce(List<double[]> byRank);
}
