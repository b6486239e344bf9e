package io.lockstep.bench;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.data.LabeledImages.FeatureShape;
import io.lockstep.model.Network;
import io.lockstep.nn.CollectiveBatchNormSync;
import io.lockstep.nn.SyncBatchNormLayer;
import io.lockstep.nn.SyncMode;
import io.lockstep.runner.ShardPlan;
import io.lockstep.spark.coordinator.Coordinator;
import io.lockstep.spark.coordinator.SparkCollective;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.SparkRpc;
import io.lockstep.spark.train.EpochOrder;
import io.lockstep.spark.train.Sharding;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.DriverStep;
import io.lockstep.step.FlatVector;
import io.lockstep.step.StepAggregate;
import io.lockstep.step.WorkerContribution;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Lockstep's step taken apart: the loops of {@link io.lockstep.spark.train.SparkTrainer} (driver) and of its
 * barrier worker, re-assembled here from the same public classes ({@link Sharding}, {@link EpochOrder},
 * {@link CollectiveBatchNormSync}, {@link SparkCollective}, {@link Coordinator}, {@link StepAggregate},
 * {@link DriverStep}, {@link FlatVector}) in the same order, with a clock read between every phase. The worker's
 * part is lockstep-spark's {@code ShardWorker} loop with {@code WorkerReplica.computeStep} spelled out (it takes
 * the driver's initial parameters from its plan instead of joining, and its shard from the RDD's partition instead
 * of a broadcast: neither is inside a step); the driver's is {@code StepLoop.onStep} without listener and
 * checkpoints. Keep it in step with those two when they change.
 *
 * <p>In local mode the driver and the tasks share one JVM and one {@code System.nanoTime} clock, so a step splits
 * exactly into: the worker's own work, the wait for the slower worker (at every SyncBN all-reduce and at the step
 * round), the coordinator's transport, and the driver's work. See {@link Profile#rows()}.
 */
final class ProfiledRun {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private ProfiledRun() {
    }

    /**
     * One profiled run.
     *
     * @param label          how the report names it
     * @param steps          steps in all, the first {@code warmup} of them not counted; at most one epoch
     * @param threadsPerTask libnd4j threads each task asks for, as SparkTrainer's worker does
     * @param blasThreads    OpenBLAS threads each task sets (SparkTrainer's worker sets {@code threadsPerTask})
     */
    record Settings(String label, int workers, int globalBatch, int warmup, int steps, long seed, int threadsPerTask,
                    int blasThreads) implements Serializable {
    }

    /** What a task needs: where the coordinator is, the settings, the network and the driver's initial parameters. */
    private record Plan(EndpointAddress coordinator, Settings settings, String networkJson, FlatVector params,
                        ChannelNormalization normalization) implements Serializable {
    }

    /** The driver's answer after a step, as SparkTrainer's: the new parameters and whether to stop. */
    private record Reply(FlatVector params, boolean stop) implements Serializable {
    }

    /** When each phase of each step ended on one worker (System.nanoTime). */
    record WorkerTimeline(int rank, Nd4jThreads threads, long[] start, long[] batchBuilt, long[] backpropDone,
                          long[] sent, long[] replied, long[] paramsSet, long[][] bnStarts, long[][] bnEnds,
                          int[] bnCalls) implements Serializable {
        WorkerTimeline(int rank, Nd4jThreads threads, int steps) {
            this(rank, threads, new long[steps], new long[steps], new long[steps], new long[steps], new long[steps],
                    new long[steps], null, null, null);
        }

        WorkerTimeline withCollectiveTimes(TimedCollective collective) {
            return new WorkerTimeline(rank, threads, start, batchBuilt, backpropDone, sent, replied, paramsSet,
                    collective.starts(), collective.ends(), collective.calls());
        }
    }

    /** When each phase of each step ended in the driver's step handler (System.nanoTime). */
    private static final class DriverTimeline {
        final long[] handlerStart;
        final long[] aggregated;
        final long[] applied;
        final long[] replyBuilt;

        DriverTimeline(int steps) {
            handlerStart = new long[steps];
            aggregated = new long[steps];
            applied = new long[steps];
            replyBuilt = new long[steps];
        }
    }

    static Profile run(JavaSparkContext sc, BenchData data, Settings settings) {
        MultiLayerNetwork driverNet = new MultiLayerNetwork(LeNet5Bn.lockstep(settings.seed()));
        driverNet.init();
        Network network = Network.of(driverNet);
        List<LabeledImages> shards = Sharding.split(data.images(), settings.workers(), settings.seed());
        int stepsPerEpoch = Sharding.stepsPerEpoch(shards, settings.globalBatch());
        if (settings.steps() > stepsPerEpoch) {
            throw new IllegalArgumentException("a profiled run is one epoch, at most " + stepsPerEpoch + " steps");
        }
        DriverStep driverStep = driverStep(network, settings);
        DriverTimeline driver = new DriverTimeline(settings.steps());
        List<List<WorkerContribution>> lastContributions = new ArrayList<>(List.of(List.of()));
        Coordinator coordinator = new Coordinator(settings.workers(), 0, TIMEOUT, (step, byRank) -> {
            int s = (int) step;
            driver.handlerStart[s] = System.nanoTime();
            List<WorkerContribution> contributions = new ArrayList<>(byRank.size());
            for (Serializable contribution : byRank) {
                contributions.add((WorkerContribution) contribution);
            }
            StepAggregate aggregate = StepAggregate.of(contributions);
            driver.aggregated[s] = System.nanoTime();
            driverStep.apply(aggregate);
            driver.applied[s] = System.nanoTime();
            Reply reply = new Reply(FlatVector.of(network.params()), step + 1 >= settings.steps());
            driver.replyBuilt[s] = System.nanoTime();
            lastContributions.set(0, contributions);
            return reply;
        });
        EndpointAddress address = SparkRpc.register("lockstep-bench-profile", coordinator);
        JavaRDD<LabeledImages> rdd = sc.parallelize(shards, settings.workers()).cache();
        List<WorkerTimeline> workers = new ArrayList<>();
        try {
            coordinator.beginAttempt(1);
            Plan plan = new Plan(address, settings, driverNet.getLayerWiseConfigurations().toJson(),
                    FlatVector.of(network.params()), data.normalization());
            for (Object result : rdd.rdd().barrier()
                    .mapPartitions(new Worker(plan), false, ClassTag$.MODULE$.apply(Object.class))
                    .toJavaRDD().collect()) {
                workers.add((WorkerTimeline) result);
            }
        } finally {
            SparkRpc.stop(address);
            coordinator.close();
            rdd.unpersist(false);
        }
        workers.sort((a, b) -> Integer.compare(a.rank(), b.rank()));
        return analyse(settings, workers, driver, network, lastContributions.get(0), data);
    }

    /** The driver's step as SparkTrainer builds it with default options: exact SyncBN, no clipping, the default guard. */
    static DriverStep driverStep(Network network, Settings settings) {
        TrainingOptions defaults = TrainingOptions.of(settings.workers(), settings.globalBatch(), 1);
        return new DriverStep(network, defaults.syncMode(), defaults.clipping(), defaults.schedule(), defaults.guard());
    }

    /** One barrier task: SparkTrainer's worker loop with a clock between the phases. */
    private static final class Worker extends AbstractFunction1<Iterator<LabeledImages>, Iterator<Object>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Plan plan;

        Worker(Plan plan) {
            this.plan = plan;
        }

        @Override
        public Iterator<Object> apply(Iterator<LabeledImages> partition) {
            int rank = BarrierTaskContext.get().partitionId();
            LabeledImages shard = partition.next();
            Settings s = plan.settings();
            Nd4jThreads.useAsBarrierWorker(s.threadsPerTask());
            if (s.blasThreads() != s.threadsPerTask()) {
                Nd4j.factory().blas().setMaxThreads(s.blasThreads());
            }
            SparkCollective coordinator = SparkCollective.connect(plan.coordinator(), s.workers(), 1, rank, TIMEOUT);
            TimedCollective collective = new TimedCollective(coordinator, s.steps());
            MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(plan.networkJson()));
            net.init(plan.params().toRowVector(), false);
            Network network = Network.of(net).useNativeTrainingKernels(); // as WorkerReplica's constructor
            CollectiveBatchNormSync sync = new CollectiveBatchNormSync(SyncMode.EXACT, collective);
            for (SyncBatchNormLayer layer : network.syncBatchNormLayers()) {
                layer.attach(sync);
            }
            int localBatch = ShardPlan.balanced(s.globalBatch(), s.workers())[rank];
            int[] order = EpochOrder.of(s.seed(), 0, rank, shard.count());
            WorkerTimeline t = new WorkerTimeline(rank, Nd4jThreads.current(), s.steps());
            for (int step = 0; step < s.steps(); step++) {
                collective.beginStep(step);
                t.start()[step] = System.nanoTime();
                DataSet batch = shard.toDataSet(EpochOrder.batch(order, step, localBatch), FeatureShape.FLAT,
                        network.params().dataType(), plan.normalization());
                t.batchBuilt()[step] = System.nanoTime();
                // WorkerReplica.computeStep, spelled out.
                sync.beginStep(step);
                network.computeGradient(batch);
                t.backpropDone()[step] = System.nanoTime();
                long examples = batch.numExamples();
                double lossSum = (network.score() - network.regularizationScore()) * examples;
                WorkerContribution contribution = new WorkerContribution(step, rank, examples, lossSum,
                        FlatVector.of(network.flattenedGradients()), sync.localMoments());
                t.sent()[step] = System.nanoTime();
                Reply reply = (Reply) coordinator.step(step, contribution);
                t.replied()[step] = System.nanoTime();
                reply.params().copyInto(network.params());
                t.paramsSet()[step] = System.nanoTime();
                if (reply.stop()) {
                    break;
                }
            }
            return Iterator$.MODULE$.single(t.withCollectiveTimes(collective));
        }
    }

    /** One line of the breakdown: a phase's mean and each rank's median, in ms per step. */
    record Row(String phase, double mean, double[] medianByRank) {
    }

    /**
     * The breakdown of one profiled run.
     *
     * @param rows         the phases of a step; their means add up to {@code loop}'s mean
     * @param loop         the worker's whole step (batch to parameters set), over all ranks
     * @param driverPeriod the time from one reply to the next on the driver: SparkTrainer's {@code stepMillis}
     * @param bnCalls      SyncBN all-reduces per step and worker
     * @param isolated     costs of the copies and driver phases measured alone, on one thread (see {@link IsolatedCosts})
     */
    record Profile(Settings settings, List<Row> rows, Summary loop, Summary driverPeriod, int bnCalls,
                   List<Nd4jThreads> taskThreads, IsolatedCosts isolated) {
    }

    private static Profile analyse(Settings settings, List<WorkerTimeline> workers, DriverTimeline driver,
                                   Network network, List<WorkerContribution> lastContributions, BenchData data) {
        int first = settings.warmup();
        int n = settings.steps() - first;
        int ranks = workers.size();
        String[] names = {
            "worker: batch, uint8 -> float DataSet (toDataSet)",
            "worker: forward + backward compute (computeGradient less its all-reduces)",
            "worker: SyncBN all-reduces, waiting for the other worker to arrive",
            "worker: SyncBN all-reduces, round trip after the last arrival",
            "worker: gradient copy FlatVector.of + WorkerContribution",
            "step round: waiting for the other worker's contribution",
            "step round: last contribution -> driver handler",
            "driver: StepAggregate.of (unpack moments)",
            "driver: DriverStep.apply (sum, running stats, norms, clip, guard, Adam)",
            "driver: FlatVector.of(params) for the reply",
            "step round: reply -> worker",
            "worker: setParameters, FlatVector.copyInto(params)",
        };
        double[][][] phase = new double[names.length][ranks][n];
        double[][] loop = new double[ranks][n];
        int bnCalls = workers.get(0).bnCalls()[first];
        for (int i = 0; i < n; i++) {
            int s = first + i;
            long lastSent = Long.MIN_VALUE;
            for (WorkerTimeline w : workers) {
                lastSent = Math.max(lastSent, w.sent()[s]);
            }
            long[] lastBnStart = new long[bnCalls];
            Arrays.fill(lastBnStart, Long.MIN_VALUE);
            for (WorkerTimeline w : workers) {
                if (w.bnCalls()[s] != bnCalls) {
                    throw new IllegalStateException("rank " + w.rank() + " made " + w.bnCalls()[s]
                            + " all-reduces in step " + s + ", rank 0 made " + bnCalls);
                }
                for (int k = 0; k < bnCalls; k++) {
                    lastBnStart[k] = Math.max(lastBnStart[k], w.bnStarts()[s][k]);
                }
            }
            for (WorkerTimeline w : workers) {
                int r = w.rank();
                long bnWait = 0;
                long bnRoundTrip = 0;
                for (int k = 0; k < bnCalls; k++) {
                    bnWait += lastBnStart[k] - w.bnStarts()[s][k];
                    bnRoundTrip += w.bnEnds()[s][k] - lastBnStart[k];
                }
                long[] parts = {
                    w.batchBuilt()[s] - w.start()[s],
                    w.backpropDone()[s] - w.batchBuilt()[s] - bnWait - bnRoundTrip,
                    bnWait,
                    bnRoundTrip,
                    w.sent()[s] - w.backpropDone()[s],
                    lastSent - w.sent()[s],
                    driver.handlerStart[s] - lastSent,
                    driver.aggregated[s] - driver.handlerStart[s],
                    driver.applied[s] - driver.aggregated[s],
                    driver.replyBuilt[s] - driver.applied[s],
                    w.replied()[s] - driver.replyBuilt[s],
                    w.paramsSet()[s] - w.replied()[s],
                };
                for (int p = 0; p < parts.length; p++) {
                    phase[p][r][i] = parts[p] / 1e6;
                }
                loop[r][i] = (w.paramsSet()[s] - w.start()[s]) / 1e6;
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < names.length; p++) {
            double[] medians = new double[ranks];
            double sum = 0;
            for (int r = 0; r < ranks; r++) {
                medians[r] = Summary.ofMillis(phase[p][r]).median();
                sum += Summary.ofMillis(phase[p][r]).mean();
            }
            rows.add(new Row(names[p], sum / ranks, medians));
        }
        double[] period = new double[first == 0 ? n - 1 : n];
        for (int i = 0; i < period.length; i++) {
            int s = settings.steps() - period.length + i;
            period[i] = (driver.replyBuilt[s] - driver.replyBuilt[s - 1]) / 1e6;
        }
        List<Nd4jThreads> threads = new ArrayList<>();
        for (WorkerTimeline w : workers) {
            threads.add(w.threads());
        }
        double[] allLoops = Arrays.stream(loop).flatMapToDouble(java.util.Arrays::stream).toArray();
        IsolatedCosts isolated = IsolatedCosts.measure(driverStep(network.copy(), settings),
                new DriverStep(network.copy(), SyncMode.EXACT, ClippingConfig.NONE, null), lastContributions, data,
                ShardPlan.balanced(settings.globalBatch(), settings.workers())[0]);
        return new Profile(settings, Collections.unmodifiableList(rows), Summary.ofMillis(allLoops),
                Summary.ofMillis(period), bnCalls, threads, isolated);
    }
}
