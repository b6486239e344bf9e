package io.lockstep.bench;

import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.spark.train.EpochOrder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's own single-JVM training, the reference Lockstep is measured against: {@code fit()} on one global batch
 * per step, with DL4J's BatchNormalization, on as many ND4J threads as the machine has cores. Each step's batch is
 * cut from the images just before its {@code fit()} (as a data iterator would) and timed apart from it.
 */
final class Dl4jFitBenchmark {
    private Dl4jFitBenchmark() {
    }

    /**
     * @param fit      time of {@code fit(batch)} alone
     * @param batch    time to build the batch (uint8 to normalized float features, one-hot labels)
     * @param threads  ND4J's thread counts during the run
     */
    record Result(Summary fit, Summary batch, Summary fitWithBatch, Nd4jThreads threads, double firstLoss,
                  double lastLoss) {
    }

    static Result run(BenchData data, int globalBatch, int warmup, int steps, long seed) {
        return run(data, globalBatch, warmup, steps, seed, 0);
    }

    /**
     * @param blasThreads OpenBLAS threads, or 0 for as many as cores (like every other ND4J thread count here)
     */
    static Result run(BenchData data, int globalBatch, int warmup, int steps, long seed, int blasThreads) {
        Nd4jThreads.use(Machine.cores());
        if (blasThreads > 0) {
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5Bn.dl4j(seed));
        net.init();
        LabeledImages images = data.images();
        int stepsPerEpoch = images.count() / globalBatch;
        int[] order = EpochOrder.of(seed, 0, -1, images.count());
        long[] fit = new long[steps];
        long[] batch = new long[steps];
        long[] both = new long[steps];
        double firstLoss = Double.NaN;
        for (int i = -warmup; i < steps; i++) {
            int step = i + warmup;
            long start = System.nanoTime();
            DataSet ds = images.toDataSet(EpochOrder.batch(order, step % stepsPerEpoch, globalBatch), FeatureShape.FLAT,
                    DataType.FLOAT, data.normalization());
            long built = System.nanoTime();
            net.fit(ds);
            long done = System.nanoTime();
            if (step == 0) {
                firstLoss = net.score();
            }
            if (i >= 0) {
                batch[i] = built - start;
                fit[i] = done - built;
                both[i] = done - start;
            }
        }
        return new Result(Summary.ofNanos(fit), Summary.ofNanos(batch), Summary.ofNanos(both), Nd4jThreads.current(),
                firstLoss, net.score());
    }
}
