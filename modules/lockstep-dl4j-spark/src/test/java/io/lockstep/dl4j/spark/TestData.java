package io.lockstep.dl4j.spark;

import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.runner.ShardPlan;
import io.lockstep.spark.train.EpochOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Synthetic data for the tests, and the global batches that W Lockstep workers train on. */
final class TestData {
    private TestData() {
    }

    /** Random 28x28 grey images in 10 classes. */
    static LabeledImages images(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * 784];
        byte[] labels = new byte[count];
        random.nextBytes(pixels);
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return LabeledImages.of(pixels, labels, 10, 1, 28, 28);
    }

    /** All images as one DataSet, in index order, features as Lockstep's image path builds them. */
    static DataSet asDataSet(LabeledImages images, FeatureShape shape, DataType type) {
        return images.toDataSet(IntStream.range(0, images.count()).toArray(), shape, type);
    }

    /** Random dense features (standard normal) with one-hot labels: data that is not images. */
    static DataSet dense(int count, int inputs, int classes, long seed, DataType type) {
        Random random = new Random(seed);
        double[] features = new double[count * inputs];
        double[] labels = new double[count * classes];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < inputs; j++) {
                features[i * inputs + j] = random.nextGaussian() + (j % classes == i % classes ? 1.0 : 0.0);
            }
            labels[i * classes + i % classes] = 1;
        }
        return new DataSet(Nd4j.create(features, new long[] {count, inputs}, type),
                Nd4j.create(labels, new long[] {count, classes}, type));
    }

    /** Cuts a DataSet into DataSets of {@code size} examples (the last one may be smaller), in order. */
    static List<DataSet> split(DataSet all, int size) {
        List<DataSet> parts = new ArrayList<>();
        for (int start = 0; start < all.numExamples(); start += size) {
            int end = Math.min(start + size, all.numExamples());
            parts.add(subset(all, IntStream.range(start, end).toArray()));
        }
        return parts;
    }

    /**
     * The global batches W Lockstep workers train on in the given epochs: the seeded shuffle, W contiguous
     * balanced shards, each worker's seeded order per epoch, each rank's share of the global batch in rank order.
     */
    static List<DataSet> globalBatches(DataSet all, int workers, int globalBatch, long seed, int epochs) {
        int n = all.numExamples();
        int[] order = EpochOrder.of(seed, -1, -1, n);
        int[] sizes = ShardPlan.balanced(n, workers);
        int[] localBatches = ShardPlan.balanced(globalBatch, workers);
        int[][] shards = new int[workers][];
        int stepsPerEpoch = Integer.MAX_VALUE;
        for (int rank = 0, start = 0; rank < workers; start += sizes[rank], rank++) {
            shards[rank] = java.util.Arrays.copyOfRange(order, start, start + sizes[rank]);
            stepsPerEpoch = Math.min(stepsPerEpoch, sizes[rank] / localBatches[rank]);
        }
        List<DataSet> batches = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int step = 0; step < stepsPerEpoch; step++) {
                List<Integer> examples = new ArrayList<>();
                for (int rank = 0; rank < workers; rank++) {
                    int[] local = EpochOrder.of(seed, epoch, rank, sizes[rank]);
                    for (int i : EpochOrder.batch(local, step, localBatches[rank])) {
                        examples.add(shards[rank][i]);
                    }
                }
                batches.add(subset(all, examples.stream().mapToInt(Integer::intValue).toArray()));
            }
        }
        return batches;
    }

    static DataSet subset(DataSet all, int[] rows) {
        INDArray features = Nd4j.pullRows(all.getFeatures(), 1, rows);
        INDArray labels = Nd4j.pullRows(all.getLabels(), 1, rows);
        return new DataSet(features, labels);
    }
}
