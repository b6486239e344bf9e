package io.lockstep.spark.train;

import io.lockstep.runner.ShardPlan;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * Shards an {@code RDD<DataSet>} (any partitioning, any number of examples per DataSet) into W cached partitions,
 * partition r holding worker r's {@link ExampleShard}, with the assignment {@link Sharding} gives a dataset in
 * memory: examples numbered in RDD order (partition by partition, DataSet by DataSet), one seeded global shuffle,
 * then W contiguous, balanced shards. So the same examples train identically whichever way they reach Lockstep.
 *
 * <p>Two passes over the input, no collect of the data on the driver:
 * <pre>
 *   1. count:  per partition, the number of examples and their shapes (a small job)
 *   2. route:  each example's global index -> (rank, position in the rank's shard), from the inverse of the
 *              seeded permutation (broadcast, one int per example); blocks of examples go through one shuffle
 *              keyed by rank, and every rank puts its shard together by position
 * </pre>
 * The input is read twice: cache it if it is expensive to compute. It must be deterministic (the same examples in
 * the same order both times); a mismatch is detected and reported.
 */
public final class DataSetSharding {
    private DataSetSharding() {
    }

    /**
     * The classes this sharding sends through Spark's serializer (Kryo when configured): register them when
     * {@code spark.kryo.registrationRequired} is on.
     */
    public static List<Class<?>> serializedClasses() {
        return List.of(ExampleBlock.class, ExampleColumn.class, ExampleShard.class, Layout.class,
                PartitionSummary.class, Routing.class, int[].class, long[].class, float[].class, double[].class);
    }

    /** The shapes and precision every example of the data shares (checked over all partitions). */
    static final class Layout implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long[] featureShape;
        private final long[] labelShape;
        private final boolean doubleFeatures;
        private final boolean doubleLabels;

        Layout(long[] featureShape, long[] labelShape, boolean doubleFeatures, boolean doubleLabels) {
            this.featureShape = featureShape;
            this.labelShape = labelShape;
            this.doubleFeatures = doubleFeatures;
            this.doubleLabels = doubleLabels;
        }

        long[] featureShape() {
            return featureShape;
        }

        long[] labelShape() {
            return labelShape;
        }

        boolean doubleFeatures() {
            return doubleFeatures;
        }

        boolean doubleLabels() {
            return doubleLabels;
        }

        boolean sameAs(Layout other) {
            return Arrays.equals(featureShape, other.featureShape) && Arrays.equals(labelShape, other.labelShape)
                    && doubleFeatures == other.doubleFeatures && doubleLabels == other.doubleLabels;
        }

        String describe() {
            return "features " + Arrays.toString(featureShape) + (doubleFeatures ? " double" : " float")
                    + ", labels " + Arrays.toString(labelShape) + (doubleLabels ? " double" : " float");
        }
    }

    /** Pass 1's result for one input partition: its examples, and their layout (null when it has none). */
    static final class PartitionSummary implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int partition;
        private final long examples;
        private final Layout layout;

        PartitionSummary(int partition, long examples, Layout layout) {
            this.partition = partition;
            this.examples = examples;
            this.layout = layout;
        }

        int partition() {
            return partition;
        }

        long examples() {
            return examples;
        }

        Layout layout() {
            return layout;
        }
    }

    /** Shards {@code data} over {@code workers} partitions; the caller closes the result to release the cache. */
    public static WorkerShards<ExampleShard> shard(JavaRDD<DataSet> data, int workers, long seed) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        List<PartitionSummary> summaries = new ArrayList<>(data.mapPartitionsWithIndex(
                (partition, dataSets) -> Collections.singletonList(summarize(partition, dataSets)).iterator(),
                false).collect());
        summaries.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        long[] offsets = new long[summaries.size()];
        long total = 0;
        Layout layout = null;
        for (PartitionSummary summary : summaries) {
            offsets[summary.partition()] = total;
            total += summary.examples();
            if (summary.layout() == null) {
                continue;
            }
            if (layout == null) {
                layout = summary.layout();
            } else if (!layout.sameAs(summary.layout())) {
                throw new IllegalArgumentException("the training DataSets differ in shape or type: "
                        + layout.describe() + " vs " + summary.layout().describe());
            }
        }
        if (layout == null || total == 0) {
            throw new IllegalArgumentException("the training RDD holds no examples");
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " examples: more than one shard plan can index");
        }
        int count = (int) total;
        int[] sizes = ShardPlan.balanced(count, workers);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
        Broadcast<Routing> routing = sc.broadcast(Routing.of(EpochOrder.of(seed, -1, -1, count), sizes, offsets));
        Layout shared = layout;
        JavaPairRDD<Integer, ExampleBlock> blocks = JavaPairRDD.fromJavaRDD(data.mapPartitionsWithIndex(
                (partition, dataSets) -> route(routing.value(), partition, dataSets), false));
        JavaRDD<ExampleShard> shards = blocks
                .partitionBy(new HashPartitioner(workers))
                .values()
                .mapPartitionsWithIndex((rank, rankBlocks) -> Collections.singletonList(
                        ExampleShard.assemble(rank, sizes[rank], shared, rankBlocks)).iterator(), true)
                .persist(StorageLevel.MEMORY_ONLY());
        // The routing stays until the shards are released: a lost cached shard is recomputed from the shuffle,
        // and lost shuffle output from the input, which needs the routing again.
        WorkerShards<ExampleShard> result = new WorkerShards<>(shards, sizes, routing::destroy);
        try {
            shards.count(); // materialize the cache now
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
        return result;
    }

    private static PartitionSummary summarize(int partition, Iterator<DataSet> dataSets) {
        long examples = 0;
        Layout layout = null;
        while (dataSets.hasNext()) {
            DataSet dataSet = dataSets.next();
            if (dataSet.getFeaturesMaskArray() != null || dataSet.getLabelsMaskArray() != null) {
                throw new IllegalArgumentException("DataSets with masks are not supported (yet) by Lockstep's sharding");
            }
            if (dataSet.getFeatures() == null || dataSet.getLabels() == null) {
                throw new IllegalArgumentException("a training DataSet without features or labels");
            }
            int n = dataSet.numExamples();
            if (n == 0) {
                continue;
            }
            Layout own = new Layout(exampleShape(dataSet.getFeatures().shape()), exampleShape(dataSet.getLabels().shape()),
                    dataSet.getFeatures().dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE,
                    dataSet.getLabels().dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            if (layout == null) {
                layout = own;
            } else if (!layout.sameAs(own)) {
                throw new IllegalArgumentException("the training DataSets differ in shape or type: "
                        + layout.describe() + " vs " + own.describe());
            }
            examples += n;
        }
        return new PartitionSummary(partition, examples, layout);
    }

    private static long[] exampleShape(long[] shape) {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * Pass 2 in one input partition: per DataSet, one block per rank that receives some of its examples. Lazy: a
     * DataSet is cut into blocks only when the shuffle asks for them.
     */
    private static Iterator<Tuple2<Integer, ExampleBlock>> route(Routing routing, int partition,
                                                                  Iterator<DataSet> dataSets) {
        return new Iterator<>() {
            private final ArrayDeque<Tuple2<Integer, ExampleBlock>> pending = new ArrayDeque<>();
            private long next = routing.offsets[partition];

            @Override
            public boolean hasNext() {
                while (pending.isEmpty() && dataSets.hasNext()) {
                    DataSet dataSet = dataSets.next();
                    pending.addAll(blocks(routing, partition, next, dataSet));
                    next += dataSet.numExamples();
                }
                return !pending.isEmpty();
            }

            @Override
            public Tuple2<Integer, ExampleBlock> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.removeFirst();
            }
        };
    }

    /** The blocks of one DataSet whose first example has the global index {@code first}. */
    private static List<Tuple2<Integer, ExampleBlock>> blocks(Routing routing, int partition, long first,
                                                               DataSet dataSet) {
        int n = dataSet.numExamples();
        if (n == 0) {
            return List.of();
        }
        int workers = routing.starts.length;
        int[][] rows = new int[workers][n];
        int[][] positions = new int[workers][n];
        int[] filled = new int[workers];
        for (int i = 0; i < n; i++) {
            long global = first + i;
            if (global >= routing.position.length) {
                throw new IllegalStateException("input partition " + partition + " holds more examples than when it "
                        + "was counted; is the training RDD deterministic?");
            }
            int position = routing.position[(int) global];
            int rank = routing.rankOf(position);
            rows[rank][filled[rank]] = i;
            positions[rank][filled[rank]] = position - routing.starts[rank];
            filled[rank]++;
        }
        ExampleColumn features = ExampleColumn.of(dataSet.getFeatures());
        ExampleColumn labels = ExampleColumn.of(dataSet.getLabels());
        List<Tuple2<Integer, ExampleBlock>> out = new ArrayList<>();
        for (int rank = 0; rank < workers; rank++) {
            if (filled[rank] > 0) {
                int[] selected = Arrays.copyOf(rows[rank], filled[rank]);
                out.add(new Tuple2<>(rank, new ExampleBlock(Arrays.copyOf(positions[rank], filled[rank]),
                        features.select(selected), labels.select(selected))));
            }
        }
        return out;
    }

    /**
     * Where every example goes: {@code position[i]} is example i's place in the shuffled order; rank r's shard is
     * positions {@code starts[r] .. starts[r] + sizes[r] - 1}. {@code offsets[p]} numbers input partition p's first
     * example.
     */
    static final class Routing implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int[] position;
        private final int[] starts;
        private final long[] offsets;

        private Routing(int[] position, int[] starts, long[] offsets) {
            this.position = position;
            this.starts = starts;
            this.offsets = offsets;
        }

        static Routing of(int[] order, int[] sizes, long[] offsets) {
            int[] position = new int[order.length];
            for (int k = 0; k < order.length; k++) {
                position[order[k]] = k;
            }
            int[] starts = new int[sizes.length];
            for (int r = 1; r < sizes.length; r++) {
                starts[r] = starts[r - 1] + sizes[r - 1];
            }
            return new Routing(position, starts, offsets);
        }

        int rankOf(int position) {
            int found = Arrays.binarySearch(starts, position);
            if (found >= 0) {
                // several ranks start at the same position when some shards are empty: the last one owns it
                while (found + 1 < starts.length && starts[found + 1] == position) {
                    found++;
                }
                return found;
            }
            return -found - 2;
        }
    }
}
