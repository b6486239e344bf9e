package io.lockstep.bench;

import io.lockstep.dl4j.spark.LockstepDl4jKryoRegistrator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Issue 7's benchmark against the peers: the same LeNet-5-BN ({@link LeNet5Bn}: float, Adam 1e-3, global batch 128)
 * on the same Fashion-MNIST, one contender after the other in one run on one machine, every one under the same
 * {@link PeerProtocol} (the full test set evaluated every K steps with the training clock stopped, stop at the
 * target accuracy or at a cap of epochs):
 * <ol>
 *   <li>DL4J's single-JVM {@code fit()} ({@link Dl4jFitPeer});</li>
 *   <li>Lockstep with W = 1 and W = 2 in Spark local mode, exact SyncBN ({@link LockstepPeer});</li>
 *   <li>DL4J's ParameterAveragingTrainingMaster ({@link ParamAvgPeer});</li>
 *   <li>PyTorch on the CPU ({@link TorchPeer}).</li>
 * </ol>
 * It prints each one's training images/s and time to the target, and the ratios issue 7 sets targets for. Run it
 * with {@code modules/lockstep-bench/run.sh peers [options]}; {@code --help} lists the options.
 */
public final class PeerBenchmark {
    /** The global batch of every contender (ParameterAveragingTrainingMaster: its 2 workers' 64 each). */
    static final int GLOBAL_BATCH = 128;
    private static final EnumSet<Contender> ON_SPARK = EnumSet.of(Contender.LOCKSTEP_W1, Contender.LOCKSTEP_W2,
            Contender.PARAM_AVG);

    private final PeerOptions options;
    private final PrintStream out;

    private PeerBenchmark(PeerOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(PeerOptions.USAGE);
            return;
        }
        int failed;
        try {
            failed = new PeerBenchmark(PeerOptions.parse(args), System.out).run();
        } catch (IllegalArgumentException e) {
            System.err.println("PeerBenchmark: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
            return;
        }
        // Spark's barrier-task timer is a non-daemon thread that outlives the SparkContext.
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs the chosen contenders and prints the report; returns how many of them failed. */
    private int run() {
        long started = System.nanoTime();
        PeerData data = PeerData.load(options.dataDir(), message -> out.println("  " + message));
        PeerProtocol protocol = new PeerProtocol(options.target(), options.evalEvery(), options.maxEpochs(),
                data.train().count() / GLOBAL_BATCH, GLOBAL_BATCH);
        out.println("== Lockstep against its peers (issue 7): LeNet-5-BN on Fashion-MNIST, time to "
                + percent(protocol.target()) + " test accuracy and images/s ==");
        out.println("machine: " + Machine.describe());
        out.printf("load average (1 min) at start: %.2f%n", CpuMeter.loadAverage());
        out.printf("data: %,d training and %,d test images from %s; global batch %d, %d steps an epoch%n",
                data.train().count(), data.test().count(), data.dir(), protocol.globalBatch(), protocol.stepsPerEpoch());
        out.printf("network: LeNet-5-BN, float, Adam %s, seed %d; test set evaluated every %d steps and after the last"
                        + " (not on the clock); stop at %s or after %d epochs%n", LeNet5Bn.LEARNING_RATE,
                options.seed(), protocol.evalEvery(), percent(protocol.target()), protocol.maxEpochs());

        List<PeerResult> results = new ArrayList<>();
        JavaSparkContext sc = null;
        try {
            for (Contender contender : EnumSet.copyOf(options.contenders())) { // in Contender's order
                if (sc == null && ON_SPARK.contains(contender)) {
                    sc = sparkContext();
                }
                JavaSparkContext spark = sc;
                results.add(measure(contender, () -> switch (contender) {
                    case LOCKSTEP_W2 -> LockstepPeer.run(spark, 2, data, protocol, options.seed(), out::println);
                    case LOCKSTEP_W1 -> LockstepPeer.run(spark, 1, data, protocol, options.seed(), out::println);
                    case DL4J_FIT -> Dl4jFitPeer.run(data, protocol, options.seed(), out::println);
                    case PARAM_AVG -> ParamAvgPeer.run(spark, data, protocol, options.seed(), out::println);
                    case PYTORCH -> TorchPeer.run(options, data, protocol);
                }));
            }
        } finally {
            if (sc != null) {
                sc.stop();
            }
        }
        PeerReport.print(out, protocol, results);
        out.printf("total benchmark time: %.0f s%n", (System.nanoTime() - started) / 1e9);
        return (int) results.stream().filter(r -> !r.ok()).count();
    }

    /** Runs one contender, noting how much of the machine other processes took meanwhile; a failure is a result. */
    private PeerResult measure(Contender contender, Supplier<PeerResult> body) {
        out.println();
        out.println("-- " + contender.label() + " (" + contender.id() + ")");
        CpuMeter meter = CpuMeter.start();
        PeerResult result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            e.printStackTrace();
            result = PeerResult.failed(contender, e.toString());
        }
        if (!result.ok()) {
            out.println(contender.id() + ": FAILED: " + result.failure());
        }
        return result.withOthersShare(meter.othersShare());
    }

    /**
     * Spark local mode with 2 task slots for Lockstep's workers and DL4J's, Kryo with the registrator that DL4J's
     * Spark API needs on Java 17 (it covers Lockstep's classes too).
     */
    private static JavaSparkContext sparkContext() {
        SparkConf conf = new SparkConf()
                .setMaster("local[" + ParamAvgPeer.WORKERS + "]")
                .setAppName("lockstep-peers")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", LockstepDl4jKryoRegistrator.class.getName());
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    static String percent(double accuracy) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * accuracy);
    }
}
