package io.lockstep.spark;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A cached RDD whose partition i holds element i of an array that travels once per executor as a broadcast: a
 * task carries only its index, not its data (which would be serialized into every task of every stage).
 */
public final class BroadcastPartitions<T> implements AutoCloseable {
    private final Broadcast<T[]> broadcast;
    private final JavaRDD<T> partitions;

    public BroadcastPartitions(JavaSparkContext sc, T[] elements) {
        this.broadcast = sc.broadcast(elements);
        Broadcast<T[]> shipped = broadcast;
        List<Integer> indices = IntStream.range(0, elements.length).boxed().toList();
        this.partitions = sc.parallelize(indices, elements.length).map(i -> shipped.value()[i]).cache();
    }

    public JavaRDD<T> partitions() {
        return partitions;
    }

    /** Drops the cached partitions and the broadcast. */
    @Override
    public void close() {
        partitions.unpersist(false);
        broadcast.destroy();
    }
}
