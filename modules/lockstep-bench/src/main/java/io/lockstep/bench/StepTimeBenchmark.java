package io.lockstep.bench;

import io.lockstep.model.Network;
import io.lockstep.model.ParameterLayout;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Issue 3's benchmark: is a Lockstep step with W = 2 workers in Spark local mode within 10% of DL4J's own
 * single-JVM {@code fit()} step on the same machine, network and global batch? In one run it prints
 * <ol>
 *   <li>DL4J {@code fit()}'s per-step time (LeNet-5-BN with DL4J's BatchNormalization, float, Adam 1e-3, global
 *       batch 128, ND4J on all cores);</li>
 *   <li>Lockstep's per-step time ({@code SparkTrainer.train}, local[W], exact SyncBN, ND4J threads per task =
 *       cores / W) and the driver's part of it;</li>
 *   <li>their ratio against the 1.10 target;</li>
 *   <li>the coordinator's BN all-reduce and gradient round trips between W barrier tasks;</li>
 *   <li>when the ratio misses the target (or with {@code --profile always}): where a Lockstep step's time goes,
 *       phase by phase ({@link ProfiledRun}), as Lockstep runs it and, for comparison, with OpenBLAS's pool left at
 *       the JVM's cores as it was before commit 3a168ae; and DL4J's fit() with OpenBLAS on one thread, the
 *       setting that helps the workers, so that the reference is not left mistuned.</li>
 * </ol>
 * Medians and 90th percentiles are over the timed steps, after the warm-up steps. Run it with
 * {@code modules/lockstep-bench/run.sh [options]}; {@code --help} lists the options.
 */
public final class StepTimeBenchmark {
    /** The target of issue 3: Lockstep's median step at most 10% slower than DL4J's fit(). */
    static final double TARGET_RATIO = 1.10;
    /** C of the timed BN all-reduce (LeNet-5's second convolution). */
    private static final int BN_CHANNELS = 16;
    /** Above this share of the cores taken by other processes, a measurement is flagged as unreliable. */
    private static final double BUSY_SHARE = 0.05;

    private final BenchmarkOptions options;
    private final PrintStream out;

    private StepTimeBenchmark(BenchmarkOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        BenchmarkOptions options;
        try {
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                System.out.println(BenchmarkOptions.USAGE);
                return;
            }
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("StepTimeBenchmark: " + e.getMessage());
            System.err.println(BenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        new StepTimeBenchmark(options, System.out).run();
        // Spark's barrier-task timer is a non-daemon thread that outlives the SparkContext.
        System.exit(0);
    }

    private void run() {
        Locale.setDefault(Locale.ROOT);
        long started = System.nanoTime();
        out.println("== Lockstep step-time benchmark (issue 3): Lockstep W=" + options.workers() + " vs DL4J fit() ==");
        out.println("machine: " + Machine.describe());
        out.printf("load average (1 min) at start: %.2f%n", CpuMeter.loadAverage());
        out.println("ND4J threads at start: " + Nd4jThreads.current());
        BenchData data = BenchData.load(options.dataDir(), options.fetch(), message -> out.println("  " + message));
        out.println("data: " + data.source());
        NetworkFacts facts = NetworkFacts.of(options.seed());
        out.printf("network: LeNet-5-BN (io.lockstep.zoo.LeNet5), float, Adam %s, %,d parameters (%,d trainable, "
                        + "%d BN layers of %s channels); global batch %d; %d timed steps after %d warm-up steps%n",
                LeNet5Bn.LEARNING_RATE, facts.parameters(), facts.trainable(), facts.bnChannels().length,
                java.util.Arrays.toString(facts.bnChannels()), options.globalBatch(), options.steps(), options.warmup());

        CpuMeter meter = CpuMeter.start();
        Dl4jFitBenchmark.Result dl4j = Dl4jFitBenchmark.run(data, options.globalBatch(), options.warmup(),
                options.steps(), options.seed());
        printDl4j(dl4j);
        List<Double> others = new ArrayList<>();
        others.add(printOthers(meter));

        JavaSparkContext sc = sparkContext(options.workers());
        try {
            meter = CpuMeter.start();
            LockstepStepBenchmark.Result lockstep = LockstepStepBenchmark.run(sc, data, options.workers(),
                    options.globalBatch(), options.warmup(), options.steps(), options.seed());
            printLockstep(lockstep);
            others.add(printOthers(meter));
            double ratio = lockstep.step().median() / dl4j.fit().median();
            printRatio(dl4j, lockstep, ratio);

            meter = CpuMeter.start();
            CoordinatorRoundTrips.Result trips = CoordinatorRoundTrips.run(sc, options.workers(), BN_CHANNELS,
                    facts.bnChannels(), (int) facts.parameters(), options.rounds());
            printRoundTrips(trips);
            others.add(printOthers(meter));

            boolean profile = options.profile() == BenchmarkOptions.Profile.ALWAYS
                    || (options.profile() == BenchmarkOptions.Profile.AUTO && ratio > TARGET_RATIO);
            if (profile) {
                profile(sc, data);
            }
            out.println();
            out.printf("summary: DL4J fit() median %.2f ms | Lockstep W=%d median %.2f ms | ratio %.3f (target <= %.2f: "
                            + "%s) | BN all-reduce %.3f ms | gradient round trip %.3f ms%n",
                    dl4j.fit().median(), options.workers(), lockstep.step().median(), ratio, TARGET_RATIO,
                    ratio <= TARGET_RATIO ? "met" : "MISSED", trips.bnForward().median(), trips.step().median());
            double worst = others.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            if (worst > BUSY_SHARE) {
                out.printf("WARNING: other processes took up to %.0f%% of the cores during a measurement: these figures"
                        + " measure them too; rerun on a quiet machine%n", 100 * worst);
            }
        } finally {
            sc.stop();
        }
        out.printf("total benchmark time: %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    private void profile(JavaSparkContext sc, BenchData data) {
        int warmup = Math.min(options.warmup(), 10);
        int total = Math.min(warmup + options.profileSteps(), data.images().count() / options.globalBatch());
        int threadsPerTask = Math.max(1, Machine.cores() / options.workers());
        List<ProfiledRun.Settings> runs = new ArrayList<>();
        runs.add(new ProfiledRun.Settings("as SparkTrainer runs it (ND4J threads per task = " + threadsPerTask
                + ": libnd4j's master threads and OpenBLAS's pool)", options.workers(), options.globalBatch(), warmup,
                total, options.seed(), threadsPerTask, threadsPerTask));
        runs.add(new ProfiledRun.Settings("for comparison: OpenBLAS's pool left at the JVM's " + Machine.cores()
                + " cores in every task (SparkTrainer before commit 3a168ae)", options.workers(),
                options.globalBatch(), warmup, total, options.seed(), threadsPerTask, Machine.cores()));
        for (ProfiledRun.Settings settings : runs) {
            CpuMeter meter = CpuMeter.start();
            printProfile(ProfiledRun.run(sc, data, settings));
            printOthers(meter);
        }
        // Lockstep's OpenBLAS setting on DL4J's side too, so that the reference is not left mistuned.
        CpuMeter meter = CpuMeter.start();
        Dl4jFitBenchmark.Result dl4j = Dl4jFitBenchmark.run(data, options.globalBatch(), warmup, total - warmup,
                options.seed(), 1);
        out.println();
        out.println("5. reference: DL4J fit() with OpenBLAS threads = 1 (" + dl4j.threads() + "), "
                + (total - warmup) + " steps after " + warmup + " warm-up");
        row("fit() per step", dl4j.fit());
        printOthers(meter);
    }

    static JavaSparkContext sparkContext(int workers) {
        SparkConf conf = new SparkConf()
                .setMaster("local[" + workers + "]")
                .setAppName("lockstep-bench")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    private void printDl4j(Dl4jFitBenchmark.Result r) {
        out.println();
        out.println("1. DL4J fit(), one JVM, DL4J BatchNormalization; ND4J threads: " + r.threads());
        row("fit() per step", r.fit());
        row("batch creation (" + options.globalBatch() + " images, before fit)", r.batch());
        row("fit() + batch creation", r.fitWithBatch());
        out.printf("   loss: first step %.4f, last step %.4f%n", r.firstLoss(), r.lastLoss());
    }

    private void printLockstep(LockstepStepBenchmark.Result r) {
        out.println();
        out.println("2. Lockstep SparkTrainer.train, W=" + options.workers() + ", Spark local[" + options.workers()
                + "], exact SyncBN, ND4J threads per task = cores / W = " + r.threadsPerTask() + " (" + r.epochs()
                + " epoch" + (r.epochs() == 1 ? "" : "s") + ")");
        row("step (driver clock, reply to reply)", r.step());
        row("driver's part (reduce, clip, Adam, copy)", r.driver());
        out.printf("   loss: first step %.4f, last step %.4f%n", r.firstLoss(), r.lastLoss());
        out.println("   ND4J threads after the run (process-wide): " + r.threadsAfter());
    }

    private void printRatio(Dl4jFitBenchmark.Result dl4j, LockstepStepBenchmark.Result lockstep, double ratio) {
        out.println();
        out.printf("3. ratio Lockstep / DL4J fit():  median %.3f   p90 %.3f   target <= %.2f: %s%n", ratio,
                lockstep.step().p90() / dl4j.fit().p90(), TARGET_RATIO, ratio <= TARGET_RATIO ? "MET" : "MISSED");
        out.printf("   (against DL4J fit() + its batch creation, which Lockstep's step includes: median %.3f)%n",
                lockstep.step().median() / dl4j.fitWithBatch().median());
    }

    private void printRoundTrips(CoordinatorRoundTrips.Result r) {
        out.println();
        out.println("4. coordinator round trips, Spark local[" + options.workers() + "], " + options.workers()
                + " barrier tasks, " + options.rounds() + " rounds each, over all ranks:");
        row("BN forward all-reduce, MOMENTS of " + (2 * r.channels() + 1) + " doubles (C=" + r.channels() + ")",
                r.bnForward());
        row("BN backward all-reduce, SUM of " + 2 * r.channels() + " doubles", r.bnBackward());
        row(String.format("gradient round trip, contribution of %,d floats, reply of %,d", r.gradientLength(),
                r.gradientLength()), r.step());
        out.printf("   local mode passes these as objects; Java serialization + deserialization (what Spark's RPC adds"
                        + " between JVMs, one thread): contribution %,d bytes %.3f ms, reply %,d bytes %.3f ms%n",
                r.contributionBytes(), r.contributionSerializationMillis(), r.replyBytes(), r.replySerializationMillis());
    }

    private void printProfile(ProfiledRun.Profile p) {
        ProfiledRun.Settings s = p.settings();
        out.println();
        out.println("5. where a Lockstep step goes: " + s.label());
        out.println("   " + (s.steps() - s.warmup()) + " steps after " + s.warmup() + " warm-up; " + p.bnCalls()
                + " SyncBN all-reduces per step and worker; ND4J threads seen in the tasks: " + p.taskThreads().get(0));
        row("worker step (batch to parameters set)", p.loop());
        row("step on the driver clock (as SparkTrainer's listener)", p.driverPeriod());
        StringBuilder header = new StringBuilder(String.format("   %-76s %8s %6s", "phase", "mean ms", "share"));
        for (int r = 0; r < p.taskThreads().size(); r++) {
            header.append(String.format(" %9s", "rank " + r));
        }
        out.println(header + "  (per-rank medians)");
        double total = p.rows().stream().mapToDouble(ProfiledRun.Row::mean).sum();
        for (ProfiledRun.Row row : p.rows()) {
            StringBuilder line = new StringBuilder(String.format("   %-76s %8.3f %5.1f%%", row.phase(), row.mean(),
                    100 * row.mean() / total));
            for (double median : row.medianByRank()) {
                line.append(String.format(" %9.3f", median));
            }
            out.println(line);
        }
        out.printf("   %-76s %8.3f%n", "sum of the phases (= mean worker step)", total);
        IsolatedCosts c = p.isolated();
        out.printf("   alone on one thread, medians in ms: toDataSet(%d) %.3f | StepAggregate.of %.3f | DriverStep.apply"
                        + " %.3f (%.3f with the guard off), of which sumGradientsInto %.3f, globalNorm %.3f, DL4J updater"
                        + " %.3f | FlatVector.of(%,d) %.3f | copyInto %.3f%n",
                c.localBatchSize(), c.localBatch(), c.aggregate(), c.apply(), c.applyWithoutGuard(), c.sumGradients(),
                c.globalNorm(), c.updater(), c.parameters(), c.paramsToFlatVector(), c.copyIntoParams());
    }

    /** Prints other processes' share of the cores since {@code meter} started, and returns it. */
    private double printOthers(CpuMeter meter) {
        double share = meter.othersShare();
        out.printf("   other processes during this measurement: %.1f%% of the cores%s%n", 100 * share,
                share > BUSY_SHARE ? "  <-- machine busy, figures unreliable" : "");
        return share;
    }

    private void row(String what, Summary s) {
        out.printf("   %-76s median %8.3f ms   p90 %8.3f ms%n", what, s.median(), s.p90());
    }

    /** Parameter counts and batch-norm widths of the benchmarked network. */
    record NetworkFacts(long parameters, long trainable, int[] bnChannels) {
        static NetworkFacts of(long seed) {
            MultiLayerNetwork net = new MultiLayerNetwork(LeNet5Bn.lockstep(seed));
            net.init();
            Network network = Network.of(net);
            ParameterLayout layout = ParameterLayout.of(network);
            long trainable = layout.trainableSlots().stream().mapToLong(ParameterLayout.Slot::length).sum();
            int[] channels = network.syncBatchNormLayers().stream()
                    .mapToInt(layer -> (int) layer.layerConf().getNOut()).toArray();
            return new NetworkFacts(net.numParams(), trainable, channels);
        }
    }
}
