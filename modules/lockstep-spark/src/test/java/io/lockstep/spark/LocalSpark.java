package io.lockstep.spark;

import io.lockstep.spark.kryo.LockstepKryoRegistrator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * One local-mode SparkContext for all the tests of this JVM (4 task slots, no UI, a failed barrier stage
 * is not retried), and a way to run a barrier stage of W tasks from Java.
 */
public final class LocalSpark {
    /** Every test runs with Spark's RPC authentication on, as a production cluster should. */
    public static final String SECRET = "lockstep-test-secret";
    private static SparkContext context;

    private LocalSpark() {
    }

    /** The shared context; Spark's own shutdown hook stops it. */
    public static synchronized SparkContext context() {
        if (context == null) {
            SparkConf conf = new SparkConf()
                    .setMaster("local[4]")
                    .setAppName("lockstep-spark-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.serializer", LockstepKryoRegistrator.SERIALIZER)
                    .set("spark.kryo.registrator", LockstepKryoRegistrator.class.getName())
                    .set("spark.kryo.registrationRequired", "true")
                    .set("spark.authenticate", "true")
                    .set("spark.authenticate.secret", SECRET)
                    .set("spark.stage.maxConsecutiveAttempts", "1");
            context = SparkContext.getOrCreate(conf);
        }
        return context;
    }

    /** What one barrier task does; its result comes back to the driver. Runs in the task's thread. */
    @FunctionalInterface
    public interface RankBody extends Serializable {
        Serializable run(int rank) throws Exception;
    }

    /** Runs a barrier stage of {@code worldSize} tasks and returns their results in rank order. */
    public static List<Serializable> barrier(int worldSize, RankBody body) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            ranks.add(r);
        }
        RDD<Integer> rdd = JavaSparkContext.fromSparkContext(context()).parallelize(ranks, worldSize).rdd();
        RDD<Serializable> results = rdd.barrier()
                .mapPartitions(new BarrierTask(body), false, ClassTag$.MODULE$.apply(Object.class));
        return results.toJavaRDD().collect();
    }

    /** The task function: serializable, as Spark needs it in the task's closure. */
    private static final class BarrierTask
            extends AbstractFunction1<Iterator<Integer>, Iterator<Serializable>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RankBody body;

        BarrierTask(RankBody body) {
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
