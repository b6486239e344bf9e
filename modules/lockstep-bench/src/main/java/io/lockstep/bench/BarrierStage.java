package io.lockstep.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/** Runs one barrier stage of W tasks (all at once, as Lockstep's workers run) and returns their results in rank order. */
final class BarrierStage {
    private BarrierStage() {
    }

    /** What one barrier task does; its result comes back to the driver. */
    @FunctionalInterface
    interface RankBody extends Serializable {
        Serializable run(int rank) throws Exception;
    }

    static List<Serializable> run(JavaSparkContext sc, int tasks, RankBody body) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < tasks; r++) {
            ranks.add(r);
        }
        RDD<Serializable> results = sc.parallelize(ranks, tasks).rdd().barrier()
                .mapPartitions(new Task(body), false, ClassTag$.MODULE$.apply(Serializable.class));
        return results.toJavaRDD().collect();
    }

    private static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<Serializable>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RankBody body;

        Task(RankBody body) {
            this.body = body;
        }

        @Override
        public Iterator<Serializable> apply(Iterator<Integer> partition) {
            int rank = BarrierTaskContext.get().partitionId();
            try {
                return Iterator$.MODULE$.single(body.run(rank));
            } catch (Exception e) {
                throw new IllegalStateException("rank " + rank + " failed", e);
            }
        }
    }
}
