package io.lockstep.dist.bench;

import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.data.Split;
import io.lockstep.nn.BatchNormConversion;
import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.zoo.LeNet5;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The reference for Lockstep's step time: DL4J's own {@code fit()} on one JVM, LeNet-5 with DL4J's
 * BatchNormalization (the same network as {@code lockstep.model = lenet5-bn}), float, Adam 1e-3, one global batch per
 * step cut from Fashion-MNIST's training images, on the ND4J threads of this JVM (OMP_NUM_THREADS, else every core).
 * {@code java -cp APP_JAR:SPARK_HOME/jars/* io.lockstep.dist.bench.Dl4jFitTiming DATA_DIR [--batch B] [--warmup N]
 * [--steps N]}. Prints one JSON line; the step time includes cutting the batch, as Lockstep's does.
 */
public final class Dl4jFitTiming {
    private Dl4jFitTiming() {
    }

    public static void main(String[] args) {
        String dataDir = args[0];
        int batch = 128;
        int warmup = 20;
        int steps = 150;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DatasetLayout layout = DatasetLayout.FASHION_MNIST;
        LabeledImages images = layout.load(new Path(dataDir), Split.TRAIN, new Configuration());

        MultiLayerConfiguration conf = LeNet5.configuration(42, DataType.FLOAT, new Adam(1e-3), 10);
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            if (layer.getLayer() instanceof SyncBatchNormalization sync) {
                layer.setLayer(BatchNormConversion.toDl4j(sync));
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        int[] order = shuffled(images.count(), new Random(42));
        long[] nanos = new long[steps];
        for (int i = -warmup; i < steps; i++) {
            int step = i + warmup;
            int[] indices = new int[batch];
            for (int k = 0; k < batch; k++) {
                indices[k] = order[(step * batch + k) % order.length];
            }
            long start = System.nanoTime();
            DataSet ds = images.toDataSet(indices, FeatureShape.FLAT, DataType.FLOAT, layout.normalization());
            net.fit(ds);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        // ND4J's thread counts as OMP_NUM_THREADS (or the core count) set them at start-up.
        System.out.println(String.format(Locale.ROOT,
                "{\"kind\":\"dl4j_fit_one_jvm\",\"batch\":%d,\"nd4j_threads\":%d,\"blas_threads\":%d,\"timing\":%s}",
                batch, Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(),
                Timings.ofNanos(nanos).json()));
    }

    private static int[] shuffled(int count, Random random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
