import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.DatasetFetcher;
import io.lockstep.data.DatasetLayout;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.Split;
import io.lockstep.eval.ConfusionMatrix;
import io.lockstep.eval.Evaluator;
import io.lockstep.model.Network;
import io.lockstep.spark.kryo.LockstepKryoRegistrator;
import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.TrainingResult;
import io.lockstep.step.ClippingConfig;
import io.lockstep.zoo.LeNet5;
import java.io.File;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * examples/fashion-mnist-lenet.conf through the Java API: LeNet-5 with synchronized batch norm on Fashion-MNIST,
 * 2 workers in Spark local mode, global batch 128, 5 epochs, Adam 2e-3, global-norm clipping at 5.
 *
 * <p>Not built by Maven. Run it with the lockstep command's classpath (what bin/lockstep writes to
 * .lockstep/classpath after its first build) and the JVM flags bin/lockstep uses:
 * <pre>
 *   java --add-opens=java.base/sun.nio.ch=ALL-UNNAMED ... -cp "$(cat .lockstep/classpath)" \
 *       examples/java/TrainLeNet.java [DATA_DIR]
 * </pre>
 */
public final class TrainLeNet {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "data/fashion-mnist");

        // The data: fetched if missing, read once into compact uint8 form.
        new DatasetFetcher(System.out::println).fetch("fashion-mnist", dataDir);
        Configuration hadoop = new Configuration();
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(dataDir.toAbsolutePath().toString());
        DatasetLayout layout = DatasetLayout.FASHION_MNIST;
        LabeledImages train = layout.load(dir, Split.TRAIN, hadoop);
        LabeledImages test = layout.load(dir, Split.TEST, hadoop);
        ChannelNormalization normalization = layout.normalization();

        // Any DL4J network whose batch-norm layers are SyncBatchNormalization; this one is from the zoo.
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(42, DataType.FLOAT, new Adam(2e-3), 10));
        net.init();

        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("lockstep-example")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", LockstepKryoRegistrator.SERIALIZER)
                .set("spark.kryo.registrator", LockstepKryoRegistrator.class.getName());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            TrainingOptions options = TrainingOptions.of(2, 128, 5).withClipping(ClippingConfig.globalNorm(5));
            TrainingResult result = SparkTrainer.train(sc, net, train, normalization, options,
                    (outcome, epoch, stepMillis, driverMillis) -> {
                        if (outcome.step() % 100 == 0) {
                            System.out.printf("step %d  epoch %d  loss %.4f%n", outcome.step(), epoch, outcome.loss());
                        }
                    });
            System.out.printf("%d steps, %.0f images/s%n", result.steps(), result.imagesPerSecond());
        }

        // The trained network is the one passed in (the driver's copy): evaluate and save it with plain DL4J.
        Network network = Network.of(net);
        ConfusionMatrix matrix = Evaluator.evaluate(network, test, network.featureShape(), normalization);
        System.out.printf("test accuracy %.4f%n", matrix.accuracy());
        ModelSerializer.writeModel(net, new File("lenet5-bn.zip"), true);
    }
}
