package io.lockstep.bench;

import io.lockstep.data.LabeledImages;
import io.lockstep.zoo.Mlp;
import io.lockstep.zoo.ResNet20;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Issue 7's scaling model against this machine ({@code docs/scaling.md}). In one run it
 * <ol>
 *   <li>measures the model's constants one by one: a worker's compute against its local batch and threads
 *       ({@link ComputeCost}: LeNet-5-BN, ResNet-20, a 4M-parameter MLP), the copies and wire encoding of a
 *       parameter vector ({@link TransferCost}), the driver's step against W and P ({@link DriverStepCost}) and the
 *       coordinator's round trip against W and the vector length ({@link CoordinatorRoundTrips}, Spark local[W]),
 *       and fits them by least squares;</li>
 *   <li>measures LeNet-5-BN's whole step with {@code SparkTrainer} at W = 1..max in Spark local mode, at one
 *       global batch, in {@link #REPEATS} passes over W ({@link LockstepStepBenchmark}), each pass after measuring
 *       LeNet-5-BN's compute constants again, and prints the medians beside the model's prediction from the
 *       constants (medians over the passes);</li>
 *   <li>checks the serialization terms against the cross-JVM figures of {@code docs/benchmarks.md};</li>
 *   <li>prints the model's projections to W = 256 workers and 100M parameters over 10 and 25 GbE, and where a
 *       sharded reduce must replace the driver's.</li>
 * </ol>
 * Run it with {@code modules/lockstep-bench/run.sh scaling [options]}; {@code --help} lists the options.
 */
public final class ScalingPoints {
    /** This benchmark's defaults, given before the user's arguments (a later option wins). */
    private static final String[] DEFAULTS = {"--workers", "4", "--steps", "60", "--warmup", "10", "--rounds", "300"};
    /** The options of {@link BenchmarkOptions} this benchmark uses (it has no profile to take). */
    private static final List<String> TAKEN = List.of("--workers", "--steps", "--warmup", "--rounds", "--batch", "--data",
            "--no-fetch", "--seed");
    static final String USAGE = String.join("\n",
            "usage: run.sh scaling [--workers W] [--steps N] [--warmup N] [--rounds N] [--batch B] [--data DIR]",
            "                      [--no-fetch] [--seed S]",
            "  --workers W  largest W of the Spark local-mode runs, from 1 (default 4)",
            "  --steps N    timed steps of each end-to-end run (default 60), after --warmup N untimed ones (default 10)",
            "  --rounds N   timed coordinator round trips of each kind, W and length (default 300)",
            "  --batch B    global batch of the end-to-end runs (default 128)",
            "  --data DIR   Fashion-MNIST directory (default data/fashion-mnist); fetched there if missing",
            "  --no-fetch   do not fetch; use synthetic images if DIR has no Fashion-MNIST",
            "  --seed S     seed of the networks and the data order (default 42)");
    /** End-to-end runs of every W, interleaved (W = 1..max, then again), so that a burst of load hits a run, not a W. */
    static final int REPEATS = 3;
    /** Local batches of the compute fits. */
    private static final int[] LENET_BATCHES = {16, 32, 64, 128};
    private static final int[] RESNET_BATCHES = {8, 16, 32};
    private static final int[] MLP_BATCHES = {32, 64, 128, 256};
    /** C of the timed BN all-reduces: MOMENTS of 2C + 1 and SUM of 2C doubles. */
    private static final int[] ROUND_CHANNELS = {16, 512, 8192};
    private static final int[] DRIVER_WORKERS = {1, 2, 4, 8, 16};
    /**
     * A round of 2 ranks (256 doubles) between JVMs over loopback TCP: docs/benchmarks.md, "The coordinator", has
     * 1.2-1.3 ms; SparkRpcTest measured 1.43-1.46 ms in its first run since messages cross as bytes (21f7d6a), and
     * 1.57-2.45 ms in five more (docs/scaling.md says what the difference does to the projections).
     */
    static final double CROSS_JVM_ROUND_MS = 1.44;
    /**
     * docs/benchmarks.md, "Across JVMs": the gradient step round of 2 executors, {floats each way, median ms}, in the
     * run at commit dd96c83 (messages as bytes; p10 11.6 and 97.6 ms).
     */
    private static final double[][] CITED_STEP_ROUNDS = {{431_080, 19.0}, {4_000_000, 109.9}};
    /** An all-reduce of 431,080 doubles between 2 JVMs: 25-30 ms in docs/benchmarks.md, 25.9-34.9 ms in six runs since. */
    private static final int LARGE_ROUND_VALUES = 431_080;
    /** Assumed: a TCP round trip between two hosts of one rack. */
    static final double RACK_RTT_MS = 0.1;
    /**
     * The projections' workers: 32 examples each per step, one thread each (spark.task.cpus = 1, as local mode runs
     * them), 4 to a host of 4 cores. One thread per worker needs no thread efficiency beyond what this 2-core machine
     * can measure (for LeNet-5-BN on oneDNN a second thread even slows a worker down).
     */
    static final int PROJECTION_LOCAL_BATCH = 32;
    static final int PROJECTION_CORES_PER_HOST = 4;
    static final int[] PROJECTION_WORKERS = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    private static final double BUSY_SHARE = 0.05;
    /** Each measurement waits (at most {@link #QUIET_WAIT}) until others take at most this share of the cores. */
    private static final double QUIET_SHARE = 0.10;
    private static final Duration QUIET_WAIT = Duration.ofSeconds(90);
    private static final int QUIET_ATTEMPTS = 3;

    private final BenchmarkOptions options;
    private final PrintStream out;
    private final List<Double> busy = new ArrayList<>();
    private double waitedSeconds;
    private double othersSinceNoted;
    private int retried;

    private ScalingPoints(BenchmarkOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        BenchmarkOptions options;
        try {
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                System.out.println(USAGE);
                return;
            }
            for (String arg : args) {
                if (arg.startsWith("--") && !TAKEN.contains(arg)) {
                    throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            String[] all = Arrays.copyOf(DEFAULTS, DEFAULTS.length + args.length);
            System.arraycopy(args, 0, all, DEFAULTS.length, args.length);
            options = BenchmarkOptions.parse(all);
        } catch (IllegalArgumentException e) {
            System.err.println("ScalingPoints: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            new ScalingPoints(options, System.out).run();
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // Spark's barrier-task timer is a non-daemon thread that outlives the SparkContext: leave in any case.
        System.exit(status);
    }

    private void run() throws Exception {
        Locale.setDefault(Locale.ROOT);
        long started = System.nanoTime();
        int cores = Machine.cores();
        out.println("== Lockstep scaling model (issue 7, docs/scaling.md): constants, W = 1.." + options.workers()
                + " against the model, projections ==");
        out.println("machine: " + Machine.describe());
        out.printf("load average (1 min) at start: %.2f%n", CpuMeter.loadAverage());
        BenchData data = BenchData.load(options.dataDir(), options.fetch(), message -> out.println("  " + message));
        out.println("data: " + data.source());
        StepTimeBenchmark.NetworkFacts lenet = StepTimeBenchmark.NetworkFacts.of(options.seed());
        if (lenet.parameters() != ReferenceNetwork.LENET5_BN.parameters()) {
            throw new IllegalStateException("LeNet-5-BN has " + lenet.parameters() + " parameters, the model's table "
                    + ReferenceNetwork.LENET5_BN.parameters());
        }
        ComputeCost.Images fashion = new ComputeCost.Images(data.images(), data.normalization());
        ComputeCost.Images cifarShaped = syntheticColourImages();

        out.println();
        out.println("1. constants, measured one by one (medians), then fitted (LeNet-5-BN's compute: in section 2)");
        Supplier<Model> lenetModel = () -> initialized(new MultiLayerNetwork(LeNet5Bn.lockstep(options.seed())));
        double[] resnetLine = computeLine(ReferenceNetwork.RESNET20, () -> initialized(new ComputationGraph(
                ResNet20.configuration(options.seed(), DataType.FLOAT, new Adam(1e-3), 10))), cifarShaped,
                RESNET_BATCHES, 2, 5);
        double[] mlpLine = computeLine(ReferenceNetwork.MLP_4M, () -> initialized(new MultiLayerNetwork(
                Mlp.configuration(options.seed(), DataType.FLOAT, new Adam(1e-3), Mlp.DEFAULT_INPUTS,
                        ReferenceNetwork.MLP_4M_WIDTH, ReferenceNetwork.MLP_4M_WIDTH, 10))), fashion, MLP_BATCHES, 3, 10);
        TransferCost transfer = measureTransfer();
        double[] driver = measureDriverStep(fashion, cifarShaped);
        List<Round> rounds = new ArrayList<>();
        List<List<LockstepStepBenchmark.Result>> endToEnd = new ArrayList<>();
        for (int w = 0; w < options.workers(); w++) {
            endToEnd.add(new ArrayList<>());
        }
        out.println();
        out.println("2. " + REPEATS + " passes of: LeNet-5-BN's compute constants, then Spark local[W] for W = 1.."
                + options.workers() + ": coordinator round trips (first pass), LeNet-5-BN steps with SparkTrainer (global"
                + " batch " + options.globalBatch() + ", " + options.steps() + " timed steps after " + options.warmup()
                + ")");
        List<LenetCompute> lenetPasses = new ArrayList<>();
        for (int pass = 0; pass < REPEATS; pass++) {
            out.println("   pass " + (pass + 1) + ":");
            lenetPasses.add(measureLenetCompute(lenetModel, fashion, cores));
            for (int w = 1; w <= options.workers(); w++) {
                JavaSparkContext sc = StepTimeBenchmark.sparkContext(w);
                try {
                    if (pass == 0) {
                        rounds.addAll(measureRounds(sc, w, lenet));
                    }
                    int workers = w;
                    LockstepStepBenchmark.Result r = quietly(() -> LockstepStepBenchmark.run(sc, data, workers,
                            options.globalBatch(), options.warmup(), options.steps(), options.seed()));
                    endToEnd.get(w - 1).add(r);
                    out.printf("   pass %d, W=%d: step median %8.2f ms  p90 %8.2f ms  driver's part %6.2f ms%s%n",
                            pass + 1, w, r.step().median(), r.step().p90(), r.driver().median(), others());
                } finally {
                    sc.stop();
                }
            }
        }
        double[] round = fitRounds(rounds);
        Compute compute = new Compute(median(lenetPasses, LenetCompute::fixedMs),
                median(lenetPasses, LenetCompute::perExampleMs), median(lenetPasses, LenetCompute::efficiency),
                median(lenetPasses, LenetCompute::coLocation), resnetLine[0], resnetLine[1], mlpLine[1]);
        ScalingModel model = new ScalingModel(new ScalingModel.Costs(compute.efficiency, compute.coLocation, round[0],
                round[1], round[2] * 1e6, transfer.replySerializeMs(), transfer.requestDeserializeMs(),
                transfer.copyNsPerValue(), driver[0], driver[1] * 1e6, driver[2] * 1e6, transfer.serializeNsPerByte(),
                transfer.deserializeNsPerByte()));
        ScalingModel.Workload lenetWork = ReferenceNetwork.LENET5_BN.measured(compute.lenetFixedMs,
                compute.lenetPerExampleMs);
        printConstants(model.costs(), compute);
        printValidation(model, lenetWork, endToEnd, cores);
        ScalingModel.Link loopback = crossJvmCheck(model);
        printProjections(model, compute, loopback.latencyMs());
        double worst = busy.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        if (worst > BUSY_SHARE) {
            out.printf("WARNING: other processes took up to %.0f%% of the cores during a measurement: these figures"
                    + " measure them too%n", 100 * worst);
        }
        out.printf("load average (1 min) at the end: %.2f; total benchmark time: %.0f s, of which %.0f s spent waiting"
                        + " for quiet moments (others <= %.0f%% of the cores, at most %d s each); %d measurements taken"
                        + " again after others took more%n", CpuMeter.loadAverage(), (System.nanoTime() - started) / 1e9,
                waitedSeconds, 100 * QUIET_SHARE, QUIET_WAIT.toSeconds(), retried);
    }

    /**
     * The compute constants: LeNet-5-BN's fit, threads and co-location (medians over the passes); ResNet-20's and the
     * MLP's per example.
     */
    private record Compute(double lenetFixedMs, double lenetPerExampleMs, double efficiency, double coLocation,
                           double resnetFixedMs, double resnetPerExampleMs, double mlpPerExampleMs) {
    }

    /** LeNet-5-BN's compute on one thread (fitted), on all cores, and with the cores' worth of workers at once. */
    private record LenetCompute(double fixedMs, double perExampleMs, double efficiency, double coLocation) {
    }

    /**
     * LeNet-5-BN's compute constants, measured again in every pass right before its end-to-end runs, so that the
     * machine's state of the moment (other processes, the VM's share of the host) weighs on both alike.
     */
    private LenetCompute measureLenetCompute(Supplier<Model> lenet, ComputeCost.Images fashion, int cores)
            throws Exception {
        double[] line = computeLine(ReferenceNetwork.LENET5_BN, lenet, fashion, LENET_BATCHES, 10, 30);
        double oneThread = line[0] + line[1] * options.globalBatch();
        double onAllCores = quietly(() -> ComputeCost.alone(lenet, fashion, options.globalBatch(), cores, 10, 30))
                .median();
        double efficiency = cores > 1 ? (oneThread / onAllCores - 1) / (cores - 1) : 0;
        int shareOfBatch = (options.globalBatch() + cores - 1) / cores;
        double alone = line[0] + line[1] * shareOfBatch;
        double together = quietly(() -> ComputeCost.together(lenet, fashion, shareOfBatch, cores, 10, 30)).median();
        out.printf("   LeNet-5-BN, batch %d on %d threads: %.2f ms (1 thread, fitted: %.2f ms); %d workers of batch %d at"
                        + " once, 1 thread each: %.2f ms (alone, fitted: %.2f ms)%s%n", options.globalBatch(), cores,
                onAllCores, oneThread, cores, shareOfBatch, together, alone, others());
        return new LenetCompute(line[0], line[1], efficiency, together / alone);
    }

    private static double median(List<LenetCompute> passes, ToDoubleFunction<LenetCompute> field) {
        return Summary.ofMillis(passes.stream().mapToDouble(field).toArray()).median();
    }

    /** A worker's compute on one thread at several local batches, fitted to fixed + perExample * n: {fixed, perExample}. */
    private double[] computeLine(ReferenceNetwork network, Supplier<Model> model, ComputeCost.Images images,
                                 int[] batches, int warmup, int steps) throws Exception {
        double[][] rows = new double[batches.length][];
        double[] millis = new double[batches.length];
        StringBuilder line = new StringBuilder("   " + network.name() + " worker compute, 1 thread:");
        for (int i = 0; i < batches.length; i++) {
            int n = batches[i];
            millis[i] = quietly(() -> ComputeCost.alone(model, images, n, 1, warmup, steps)).median();
            rows[i] = new double[] {1, n};
            line.append(String.format(" batch %d %.2f ms,", n, millis[i]));
        }
        double[] fit = LeastSquares.costFit(rows, millis);
        out.printf("%s -> %.3f ms + %.4f ms per example (%.2f GFLOP/s at 6 x %.2fM multiply-adds)%s%n", line, fit[0],
                fit[1], gflops(network, fit[1]), network.forwardMacs() / 1e6, others());
        return fit;
    }

    private TransferCost measureTransfer() throws Exception {
        Nd4jThreads.use(1);
        TransferCost t = quietly(() -> TransferCost.measure(1_000_000, 4_000_000,
                (int) (2 * ReferenceNetwork.LENET5_BN.bnChannels() + 1)));
        out.printf("   a worker's copies (FlatVector.of + copyInto): %.3f ns per value; a float vector onto the wire between"
                        + " JVMs (serialized by SparkRpc, then by Spark) %.3f ns/byte, off it %.3f ns/byte (1M and 4M"
                        + " values); a SyncBN round of %d doubles: reply encoded %.4f ms, request decoded %.4f ms%s%n",
                t.copyNsPerValue(), t.serializeNsPerByte(), t.deserializeNsPerByte(), t.messageValues(), t.replySerializeMs(),
                t.requestDeserializeMs(), others());
        return t;
    }

    /** Fits driver step = d0 + dW * W * P + dP * P (ms) over the networks and W measured; returns {d0, dW, dP}. */
    private double[] measureDriverStep(ComputeCost.Images fashion, ComputeCost.Images cifarShaped) throws Exception {
        List<DriverStepCost.Point> points = new ArrayList<>();
        points.addAll(quietly(() -> DriverStepCost.measure("LeNet-5-BN",
                () -> initialized(new MultiLayerNetwork(LeNet5Bn.lockstep(options.seed()))), fashion, DRIVER_WORKERS,
                5, 30)));
        points.addAll(quietly(() -> DriverStepCost.measure("ResNet-20", () -> initialized(new ComputationGraph(
                ResNet20.configuration(options.seed(), DataType.FLOAT, new Adam(1e-3), 10))), cifarShaped,
                DRIVER_WORKERS, 3, 15)));
        for (int width : new int[] {700, ReferenceNetwork.MLP_4M_WIDTH}) {
            points.addAll(quietly(() -> DriverStepCost.measure("MLP 784-" + width + "-" + width + "-10",
                    () -> initialized(new MultiLayerNetwork(Mlp.configuration(options.seed(), DataType.FLOAT,
                            new Adam(1e-3), Mlp.DEFAULT_INPUTS, width, width, 10))), fashion, DRIVER_WORKERS, 2, 7)));
        }
        double[][] rows = new double[points.size()][];
        double[] millis = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            DriverStepCost.Point p = points.get(i);
            rows[i] = new double[] {1, (double) p.workers() * p.parameters(), p.parameters()};
            millis[i] = p.millis().median();
        }
        double[] fit = LeastSquares.costFit(rows, millis);
        out.println("   driver step (StepAggregate.of, DriverStep.apply, FlatVector.of(params)), 1 thread, median ms:");
        StringBuilder header = new StringBuilder(String.format("   %-24s %11s", "network", "P"));
        for (int w : DRIVER_WORKERS) {
            header.append(String.format(" %9s", "W=" + w));
        }
        out.println(header + "   (fit in brackets)");
        for (int i = 0; i < points.size(); i += DRIVER_WORKERS.length) {
            DriverStepCost.Point first = points.get(i);
            StringBuilder line = new StringBuilder(String.format("   %-24s %,11d", first.network(), first.parameters()));
            for (int j = 0; j < DRIVER_WORKERS.length; j++) {
                line.append(String.format(" %9.2f", millis[i + j]));
            }
            line.append("   [");
            for (int j = 0; j < DRIVER_WORKERS.length; j++) {
                line.append(String.format(j == 0 ? "%.2f" : " %.2f",
                        fit[0] + fit[1] * rows[i + j][1] + fit[2] * rows[i + j][2]));
            }
            out.println(line + "]");
        }
        out.println(" " + others());
        return fit;
    }

    /** One measured coordinator round: W ranks, values per rank, median ms. */
    private record Round(int workers, int values, double millis) {
    }

    private List<Round> measureRounds(JavaSparkContext sc, int workers, StepTimeBenchmark.NetworkFacts lenet)
            throws Exception {
        List<Round> rounds = new ArrayList<>();
        StringBuilder line = new StringBuilder(String.format("   round trips, W=%d:", workers));
        double stepRound = Double.NaN;
        for (int c : ROUND_CHANNELS) {
            CoordinatorRoundTrips.Result r = quietly(() -> CoordinatorRoundTrips.run(sc, workers, c,
                    lenet.bnChannels(), (int) lenet.parameters(), options.rounds()));
            rounds.add(new Round(workers, 2 * c + 1, r.bnForward().median()));
            rounds.add(new Round(workers, 2 * c, r.bnBackward().median()));
            line.append(String.format(" MOMENTS of %d %.3f ms, SUM of %d %.3f ms;", 2 * c + 1, r.bnForward().median(),
                    2 * c, r.bnBackward().median()));
            stepRound = r.step().median();
        }
        out.printf("%s step round (objects) %.3f ms%s%n", line, stepRound, others());
        return rounds;
    }

    /** Fits round = base + perRank * W + perValue * W * m (ms); returns {base, perRank, perValue}. */
    private static double[] fitRounds(List<Round> rounds) {
        double[][] rows = new double[rounds.size()][];
        double[] millis = new double[rounds.size()];
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            rows[i] = new double[] {1, r.workers(), (double) r.workers() * r.values()};
            millis[i] = r.millis();
        }
        return LeastSquares.costFit(rows, millis);
    }

    private void printConstants(ScalingModel.Costs c, Compute compute) {
        out.println();
        out.println("3. fitted constants (docs/scaling.md, 'Constants')");
        out.printf("   compute, LeNet-5-BN on 1 thread: %.3f ms + %.4f ms per example; thread efficiency e = %.3f;"
                        + " co-location slowdown = %.3f%n", compute.lenetFixedMs, compute.lenetPerExampleMs,
                c.parallelEfficiency(), c.coLocationSlowdown());
        out.printf("   coordinator round (local mode): %.4f ms + %.4f ms per rank + %.3f ns per value and rank;"
                        + " between JVMs a small reply's serialization %.4f ms and request's deserialization %.4f ms%n",
                c.roundBaseMs(), c.roundPerRankMs(), c.roundNsPerValue(), c.replySerializeMs(),
                c.requestDeserializeMs());
        out.printf("   driver step: %.3f ms + %.3f ns per value and rank + %.3f ns per parameter%n", c.driverFixedMs(),
                c.driverNsPerRankValue(), c.driverNsPerValue());
        out.printf("   worker copies %.3f ns per value; onto the wire %.3f ns/byte, off it %.3f ns/byte%n",
                c.copyNsPerValue(), c.serializeNsPerByte(), c.deserializeNsPerByte());
        out.printf("   constants: e=%.3f slowdown=%.3f roundBase=%.4fms roundPerRank=%.4fms roundPerValue=%.3fns"
                        + " replySer=%.4fms requestDe=%.4fms copy=%.3fns/value driver=%.3fms+%.3fns*W*P+%.3fns*P"
                        + " ser=%.3fns/B de=%.3fns/B%n",
                c.parallelEfficiency(), c.coLocationSlowdown(), c.roundBaseMs(), c.roundPerRankMs(), c.roundNsPerValue(),
                c.replySerializeMs(), c.requestDeserializeMs(), c.copyNsPerValue(), c.driverFixedMs(),
                c.driverNsPerRankValue(), c.driverNsPerValue(), c.serializeNsPerByte(), c.deserializeNsPerByte());
    }

    private void printValidation(ScalingModel model, ScalingModel.Workload lenet,
                                 List<List<LockstepStepBenchmark.Result>> endToEnd, int cores) {
        out.println();
        out.println("4. LeNet-5-BN per step, Spark local mode on " + cores + " cores, global batch "
                + options.globalBatch() + ": model (from the constants above) against measured (median of the "
                + REPEATS + " passes' medians, [min..max])");
        out.printf("   %2s %7s %5s | %8s %8s %8s %8s %8s | %9s | %9s %21s %8s | %8s %8s%n", "W", "threads", "batch",
                "compute", "BN", "round", "copies", "driver", "model", "measured", "[min..max]", "error", "driver",
                "measured");
        for (int w = 1; w <= endToEnd.size(); w++) {
            ScalingModel.Deployment at = ScalingModel.Deployment.localMode(w, options.globalBatch(), cores);
            ScalingModel.Breakdown b = model.driverReduce(lenet, at);
            List<LockstepStepBenchmark.Result> runs = endToEnd.get(w - 1);
            double[] medians = runs.stream().mapToDouble(r -> r.step().median()).toArray();
            double[] drivers = runs.stream().mapToDouble(r -> r.driver().median()).toArray();
            Summary measured = Summary.ofMillis(medians);
            double min = Arrays.stream(medians).min().orElseThrow();
            double max = Arrays.stream(medians).max().orElseThrow();
            out.printf("   %2d %7d %5d | %8.2f %8.2f %8.3f %8.3f %8.2f | %9.2f | %9.2f [%8.2f..%8.2f] %+7.1f%%"
                            + " | %8.2f %8.2f%n", w, at.threadsPerWorker(), at.localBatch(), b.compute(), b.bnRounds(),
                    b.stepRound(), b.workerCopies(), b.driverStep(), b.total(), measured.median(), min, max,
                    100 * (b.total() / measured.median() - 1), b.driverStep(), Summary.ofMillis(drivers).median());
        }
    }

    /**
     * The serialization terms against the cross-JVM figures of docs/benchmarks.md, and the link latency they imply:
     * what remains of the cited 2-rank round over loopback after the model's own terms.
     */
    private ScalingModel.Link crossJvmCheck(ScalingModel model) {
        ScalingModel.Link zeroLatency = new ScalingModel.Link("loopback", true, Double.POSITIVE_INFINITY, 0);
        ScalingModel.Deployment two = new ScalingModel.Deployment(2, 0, 1, 1, Machine.cores(), zeroLatency);
        double latency = Math.max(0, CROSS_JVM_ROUND_MS - model.round(two, 256));
        ScalingModel.Link loopback = new ScalingModel.Link("loopback", true, Double.POSITIVE_INFINITY, latency);
        two = new ScalingModel.Deployment(2, 0, 1, 1, Machine.cores(), loopback);
        out.println();
        out.printf("5. across JVMs (SparkRpcTest, docs/benchmarks.md): a 2-rank round of 256 doubles over loopback takes"
                + " %.2f ms; the model's other terms leave %.3f ms for crossing JVMs (Spark RPC, sockets)%n",
                CROSS_JVM_ROUND_MS, latency);
        // a round's own serialization terms are the driver's; a rank also serializes its vector and reads the result
        double ownBytes = 8.0 * LARGE_ROUND_VALUES
                * (model.costs().serializeNsPerByte() + model.costs().deserializeNsPerByte()) * 1e-6;
        out.printf("   all-reduce of %,d doubles, 2 JVMs: model %.1f ms (round %.1f, a rank's own serialization %.1f),"
                        + " measured 25.9-34.9 ms (25-30 ms in docs/benchmarks.md)%n", LARGE_ROUND_VALUES,
                model.round(two, LARGE_ROUND_VALUES) + ownBytes, model.round(two, LARGE_ROUND_VALUES),
                ownBytes);
        for (double[] cited : CITED_STEP_ROUNDS) {
            ScalingModel.Workload vector = new ScalingModel.Workload("step round", (long) cited[0], Float.BYTES, 0, 0, 0, 0);
            ScalingModel.Breakdown b = model.driverReduce(vector, two);
            // the cited round's handler only replies (no driver step); its vectors are not copied into a network
            double predicted = b.stepRound() + b.ingress() + b.egress()
                    + vector.bytes() * (model.costs().serializeNsPerByte() + model.costs().deserializeNsPerByte()) * 1e-6;
            out.printf("   gradient step round, 2 executors, %,.0f floats each way: model %.1f ms (latency %.2f, worker"
                            + " serialization %.1f, driver in %.1f, out %.1f), cited median %.1f ms%n", cited[0],
                    predicted, b.stepRound(), predicted - b.stepRound() - b.ingress() - b.egress(), b.ingress(),
                    b.egress(), cited[1]);
        }
        return loopback;
    }

    private void printProjections(ScalingModel model, Compute compute, double crossJvmMs) {
        // LeNet-5-BN and ResNet-20 as measured; the larger networks at the dense products' rate per multiply-add (the
        // fastest compute measured here, so the case that exposes the driver most), and at ResNet-20's
        List<ScalingModel.Workload> works = new ArrayList<>();
        List<ScalingModel.Workload> atConvolutionRate = new ArrayList<>();
        for (ReferenceNetwork n : ReferenceNetwork.all()) {
            if (n == ReferenceNetwork.LENET5_BN) {
                works.add(n.measured(compute.lenetFixedMs, compute.lenetPerExampleMs));
            } else if (n == ReferenceNetwork.RESNET20) {
                works.add(n.measured(compute.resnetFixedMs, compute.resnetPerExampleMs));
            } else {
                works.add(n.scaledFrom(ReferenceNetwork.MLP_4M, compute.mlpPerExampleMs));
                atConvolutionRate.add(n.scaledFrom(ReferenceNetwork.RESNET20, compute.resnetPerExampleMs));
            }
        }
        out.println();
        out.printf("6. projections: %d examples per worker, one thread each, %d workers to a host of as many cores;"
                        + " links add %.3f ms (crossing JVMs, section 5) + %.1f ms (rack round trip) per round%n",
                PROJECTION_LOCAL_BATCH, PROJECTION_CORES_PER_HOST, crossJvmMs, RACK_RTT_MS);
        for (ScalingModel.Workload w : works) {
            out.printf("   %-12s P = %,12d  L = %2d  compute on 1 core: %.3f ms + %.3f ms per example%n", w.name(),
                    w.parameters(), w.bnLayers(), w.fixedMs(), w.perExampleMs());
        }
        out.println("   (LeNet-5-BN and ResNet-20 measured; the others at the MLP's rate per multiply-add, and below"
                + " also at ResNet-20's)");
        for (double gigabits : new double[] {10, 25}) {
            ScalingModel.Link link = ScalingModel.Link.ethernet(String.format("%.0f GbE", gigabits), gigabits,
                    crossJvmMs + RACK_RTT_MS);
            out.println();
            out.println("   " + link.name() + ": step time, Lockstep's driver reduce / sharded reduce (reduce-scatter +"
                    + " all-gather over W shards); driver's gradient round share of the step in brackets");
            StringBuilder header = new StringBuilder(String.format("   %5s", "W"));
            for (ScalingModel.Workload w : works) {
                header.append(String.format(" | %-30s", w.name()));
            }
            out.println(header);
            for (int workers : PROJECTION_WORKERS) {
                StringBuilder line = new StringBuilder(String.format("   %5d", workers));
                for (ScalingModel.Workload w : works) {
                    ScalingModel.Deployment at = projected(workers, link);
                    ScalingModel.Breakdown driver = model.driverReduce(w, at);
                    ScalingModel.Breakdown sharded = model.shardedReduce(w, at);
                    line.append(String.format(" | %9s / %9s [%3.0f%%]", time(driver.total()), time(sharded.total()),
                            100 * driver.gradientRound() / driver.total()));
                }
                out.println(line);
            }
            out.printf("   kappa, the driver's gradient round per worker and parameter: %.2f ns (the wire alone: %.2f ns"
                            + " each way); the round outgrows a worker's compute T at W = T / (P kappa)%n",
                    model.kappaNs(link, Float.BYTES), Float.BYTES / (link.bytesPerMs() * 1e-6));
            for (ScalingModel.Workload w : works) {
                out.println("   " + saturation(model, w, link, ""));
            }
            for (ScalingModel.Workload w : atConvolutionRate) {
                out.println("   " + saturation(model, w, link, " at ResNet-20's rate"));
            }
        }
    }

    /** Where the driver's gradient round outgrows the compute, and from which W the sharded reduce is faster. */
    private static String saturation(ScalingModel model, ScalingModel.Workload w, ScalingModel.Link link, String note) {
        Integer driverBound = null;
        Integer shardedFaster = null;
        Integer shardedTwice = null;
        for (int workers : PROJECTION_WORKERS) {
            ScalingModel.Deployment at = projected(workers, link);
            ScalingModel.Breakdown driver = model.driverReduce(w, at);
            double sharded = model.shardedReduce(w, at).total();
            if (driverBound == null && driver.gradientRound() > driver.compute()) {
                driverBound = workers;
            }
            if (workers == 1) {
                continue; // one worker has no peers: its "sharded" step is no step over the network at all
            }
            if (shardedFaster == null && sharded < driver.total()) {
                shardedFaster = workers;
            }
            if (shardedTwice == null && 2 * sharded < driver.total()) {
                shardedTwice = workers;
            }
        }
        ScalingModel.Breakdown last = model.driverReduce(w, projected(256, link));
        return String.format("%s%s: gradient round > compute from W = %s; sharded faster from W = %s, twice as fast from"
                        + " W = %s; W = 256: compute %s, BN rounds %s, gradient round %s (in %s, reduce %s, out %s)",
                w.name(), note, orNever(driverBound), orNever(shardedFaster), orNever(shardedTwice),
                time(last.compute()), time(last.bnRounds()), time(last.gradientRound()), time(last.ingress()),
                time(last.driverStep()), time(last.egress()));
    }

    private static ScalingModel.Deployment projected(int workers, ScalingModel.Link link) {
        return new ScalingModel.Deployment(workers, PROJECTION_LOCAL_BATCH, 1,
                Math.min(workers, PROJECTION_CORES_PER_HOST), PROJECTION_CORES_PER_HOST, link);
    }

    private static String orNever(Integer w) {
        return w == null ? "- (not up to 256)" : String.valueOf(w);
    }

    static String time(double millis) {
        return millis < 10_000 ? String.format("%.1f ms", millis) : String.format("%.1f s", millis / 1000);
    }

    /** Training FLOP/s of one core: 3 x the forward pass (forward, two backward products), 2 FLOPs a multiply-add. */
    private static double gflops(ReferenceNetwork network, double perExampleMs) {
        return 6 * network.forwardMacs() / (perExampleMs * 1e-3) / 1e9;
    }

    /** 512 random 32x32 colour images, for the compute of ResNet-20 (its time does not depend on the pixels). */
    private static ComputeCost.Images syntheticColourImages() {
        Random random = new Random(7);
        int count = 512;
        byte[] pixels = new byte[count * 3 * 32 * 32];
        byte[] labels = new byte[count];
        random.nextBytes(pixels);
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return new ComputeCost.Images(LabeledImages.of(pixels, labels, 10, 3, 32, 32), null);
    }

    private static Model initialized(Model model) {
        model.init();
        return model;
    }

    /**
     * Runs a measurement in a quiet moment: waits until other processes take at most {@link #QUIET_SHARE} of the
     * cores (at most {@link #QUIET_WAIT}), measures, and measures again (up to {@link #QUIET_ATTEMPTS} times in all)
     * while others took more than that meanwhile; returns the quietest attempt and notes its share for
     * {@link #others()}.
     */
    private <T> T quietly(Callable<T> measurement) throws Exception {
        T quietest = null;
        double quietestShare = Double.POSITIVE_INFINITY;
        for (int attempt = 0; attempt < QUIET_ATTEMPTS; attempt++) {
            double waited = CpuMeter.awaitQuiet(QUIET_SHARE, QUIET_WAIT);
            if (!Double.isNaN(waited)) {
                waitedSeconds += waited;
            }
            CpuMeter meter = CpuMeter.start();
            T result = measurement.call();
            double share = meter.othersShare();
            if (quietest == null || share < quietestShare) {
                quietest = result;
                quietestShare = share;
            }
            if (!(share > QUIET_SHARE)) { // quiet, or unknown (NaN): take it
                break;
            }
            retried++;
        }
        busy.add(quietestShare);
        othersSinceNoted = Math.max(othersSinceNoted, quietestShare);
        return quietest;
    }

    /** "(others: X% of the cores)": the largest share other processes took in the measurements since the last note. */
    private String others() {
        double share = othersSinceNoted;
        othersSinceNoted = 0;
        return String.format("  (others: up to %.1f%% of the cores%s)", 100 * share, share > BUSY_SHARE ? ", BUSY" : "");
    }
}
