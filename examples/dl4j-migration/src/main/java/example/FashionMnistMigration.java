package example;

import io.lockstep.data.DatasetFetcher;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.data.Split;
import io.lockstep.dl4j.spark.LockstepDl4jKryoRegistrator;
import io.lockstep.dl4j.spark.LockstepTrainingMaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A DL4J Spark application (LeNet-5 with batch norm on Fashion-MNIST, {@code SparkDl4jMultiLayer}) that trains with
 * DL4J's ParameterAveragingTrainingMaster or, after a one-line change, with Lockstep's LockstepTrainingMaster, and
 * reports the test accuracy after every epoch. Everything but the training master is the same in both runs: the
 * network (DL4J's own BatchNormalization), the data, the workers, the examples per step.
 *
 * <pre>
 *   examples/dl4j-migration/run.sh --master paramavg --epochs 3
 *   examples/dl4j-migration/run.sh --master lockstep --epochs 3
 * </pre>
 */
public final class FashionMnistMigration {

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        // ND4J would start as many OpenMP threads per task as the machine has cores: share the cores out instead.
        int threadsPerTask = Math.max(1, Runtime.getRuntime().availableProcessors() / options.workers);
        Nd4j.getEnvironment().setMaxThreads(threadsPerTask);
        Nd4j.getEnvironment().setMaxMasterThreads(threadsPerTask);

        SparkConf conf = new SparkConf()
                .setMaster("local[" + options.workers + "]")
                .setAppName("fashion-mnist-" + options.master)
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", LockstepDl4jKryoRegistrator.class.getName());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            // Loading: any way of making DataSets works; here, Lockstep's IDX reader (Fashion-MNIST's format).
            JavaRDD<DataSet> train = sc.parallelize(minibatches(options.data, Split.TRAIN, options.batchPerWorker),
                    options.workers).cache();
            JavaRDD<DataSet> test = sc.parallelize(minibatches(options.data, Split.TEST, 100), options.workers).cache();

            MultiLayerNetwork net = new MultiLayerNetwork(leNet5WithBatchNorm(options.seed));
            net.init();

            // ---------------------------------------------------------------------------------------------------
            // The one line that changes: the training master. Both train W workers with b examples each per step.
            TrainingMaster<?, ?> trainingMaster = options.master.equals("lockstep")
                    ? new LockstepTrainingMaster.Builder(options.workers, options.workers * options.batchPerWorker)
                            .rngSeed(options.seed).build()
                    : new ParameterAveragingTrainingMaster.Builder(options.workers, options.batchPerWorker)
                            .batchSizePerWorker(options.batchPerWorker).averagingFrequency(5)
                            .workerPrefetchNumBatches(0).rngSeed(options.seed).build();
            // ---------------------------------------------------------------------------------------------------

            SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, trainingMaster);
            System.out.printf(Locale.ROOT, "master=%s workers=%d examples-per-step=%d epochs=%d threads-per-task=%d%n",
                    options.master, options.workers, options.workers * options.batchPerWorker, options.epochs,
                    threadsPerTask);
            double best = 0;
            long started = System.nanoTime();
            for (int epoch = 1; epoch <= options.epochs; epoch++) {
                long begin = System.nanoTime();
                sparkNet.fit(train);
                double trainSeconds = (System.nanoTime() - begin) / 1e9;
                Evaluation evaluation = sparkNet.evaluate(test);
                best = Math.max(best, evaluation.accuracy());
                System.out.printf(Locale.ROOT, "epoch %d: test accuracy %.4f (train %.1f s, %.0f img/s)%n", epoch,
                        evaluation.accuracy(), trainSeconds, 60000 / trainSeconds);
            }
            System.out.printf(Locale.ROOT, "%s: best test accuracy %.4f after %d epochs, %.1f s in all%n",
                    options.master, best, options.epochs, (System.nanoTime() - started) / 1e9);
            trainingMaster.deleteTempFiles(sc);
        }
        // Spark 3.5's BarrierTaskContext starts a non-daemon timer thread in the JVM that runs a barrier task (the
        // driver, in local mode) and never stops it: without an explicit exit, the JVM would not end.
        System.exit(0);
    }

    /** LeNet-5 with batch norm, as a DL4J user writes it: DL4J's own BatchNormalization, its defaults. */
    static MultiLayerConfiguration leNet5WithBatchNorm(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).padding(2, 2).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new DenseLayer.Builder().nOut(84).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    /** Fashion-MNIST as DataSets of {@code size} examples, features normalized per channel, fetched if missing. */
    private static List<DataSet> minibatches(Path dir, Split split, int size) {
        if (!Files.exists(dir.resolve("train-images-idx3-ubyte.gz"))) {
            new DatasetFetcher(System.out::println).fetch("fashion-mnist", dir);
        }
        DatasetLayout layout = DatasetLayout.FASHION_MNIST;
        LabeledImages images = layout.load(new org.apache.hadoop.fs.Path(dir.toAbsolutePath().toUri()), split,
                new Configuration());
        List<DataSet> batches = new ArrayList<>();
        for (int start = 0; start < images.count(); start += size) {
            int[] indices = IntStream.range(start, Math.min(start + size, images.count())).toArray();
            batches.add(images.toDataSet(indices, FeatureShape.FLAT, DataType.FLOAT, layout.normalization()));
        }
        return batches;
    }

    private static final class Options {
        String master = "lockstep";
        int epochs = 3;
        int workers = 2;
        int batchPerWorker = 64;
        long seed = 42;
        Path data = Path.of("data/fashion-mnist");

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--master" -> options.master = value;
                    case "--epochs" -> options.epochs = Integer.parseInt(value);
                    case "--workers" -> options.workers = Integer.parseInt(value);
                    case "--batch-per-worker" -> options.batchPerWorker = Integer.parseInt(value);
                    case "--seed" -> options.seed = Long.parseLong(value);
                    case "--data" -> options.data = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--master lockstep|paramavg, --epochs, --workers, --batch-per-worker, --seed, --data)");
                }
                i++;
            }
            if (!options.master.equals("lockstep") && !options.master.equals("paramavg")) {
                throw new IllegalArgumentException("--master must be lockstep or paramavg, got " + options.master);
            }
            return options;
        }
    }
}
