package io.lockstep.dl4j.spark;

import io.lockstep.checkpoint.Checkpoint;
import io.lockstep.checkpoint.CheckpointStore;
import io.lockstep.checkpoint.TrainingState;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncMode;
import io.lockstep.spark.train.CheckpointPlan;
import io.lockstep.spark.train.DataSetSharding;
import io.lockstep.spark.train.ExampleShard;
import io.lockstep.spark.train.ShardTrainer;
import io.lockstep.spark.train.StepListener;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.WorkerShards;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.GuardConfig;
import io.lockstep.step.StepOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.datavec.spark.util.BroadcastHadoopConfigHolder;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.TrainingResult;
import org.deeplearning4j.spark.api.TrainingWorker;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.data.loader.RemoteFileSourceFactory;
import org.deeplearning4j.spark.impl.common.LoadDataSetFunction;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.nd4j.shade.jackson.dataformat.yaml.YAMLFactory;

/**
 * A {@link TrainingMaster} for DL4J's Spark API that trains with Lockstep's exact synchronous runtime. Replace the
 * one line that builds a {@code ParameterAveragingTrainingMaster}:
 * <pre>{@code
 *   TrainingMaster tm = new LockstepTrainingMaster.Builder(2, 128).build();   // 2 workers, global batch 128
 *   SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, conf, tm);
 *   sparkNet.fit(trainData);                                                 // one epoch, as before
 *   Evaluation eval = sparkNet.evaluate(testData);                           // evaluation as before
 * }</pre>
 *
 * <p>Every fit() is one epoch of W barrier workers, each taking its share of every global batch of B examples
 * (sharded from the RDD as {@link DataSetSharding} describes, reshuffled per epoch): the same computation as one
 * JVM training with batch B, with DL4J's own updater on the driver. How the data is cut into DataSet objects does
 * not matter (Lockstep re-batches the examples).
 *
 * <p>The network's DL4J {@code BatchNormalization} layers train as exact synchronized batch norm: fit() converts
 * the network to a twin with {@code SyncBatchNormalization} layers (same settings), trains the twin, and copies
 * parameters, running statistics, optimizer state and iteration count back into the user's network, in the user's
 * representation. The model code does not change, and the network that fit() returns is the user's own.
 *
 * <p>DL4J {@link TrainingListener}s run on the driver after every step, with the driver's copy of the network (the
 * twin, its score set to the step's mean loss). Learning-rate schedules belong in the DL4J updater (ISchedule),
 * which the driver runs with the network's iteration and epoch counts.
 */
public final class LockstepTrainingMaster implements TrainingMaster<TrainingResult, TrainingWorker<TrainingResult>> {
    private static final System.Logger LOG = System.getLogger(LockstepTrainingMaster.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    // Settings (immutable; defaults in the Builder only).
    private final Integer workers;
    private final int globalBatch;
    private final long seed;
    private final SyncMode syncMode;
    private final boolean unbiasedRunningVariance;
    private final ClippingConfig clipping;
    private final GuardConfig guard;
    private final int threadsPerTask;
    private final Duration roundTimeout;
    private final String runDirectory;
    private final String checkpointDirectory;
    private final long checkpointEverySteps;
    private final int checkpointsToKeep;

    // State of the training so far.
    private boolean collectTrainingStats;
    private LockstepTrainingStats stats;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private String shardsKey;
    private WorkerShards<ExampleShard> shards;
    private RunMetrics metrics;
    private CheckpointStore checkpointStore;
    /**
     * The twin the last fit() trained (or a restored checkpoint holds), the user network it belongs to, and that
     * network's parameters as handed back: while they are unchanged, the next fit() goes on with the same twin, so
     * that epochs chain without converting the running variance to log10(std) and back in between.
     */
    private Model twin;
    private Model twinOwner;
    private INDArray handedBack;
    /** The state a restored checkpoint left for the next fit() to continue from. */
    private TrainingState resumeFrom;
    private long skippedSteps;
    private long clippedSteps;
    private long examples;

    private LockstepTrainingMaster(Builder builder) {
        this.workers = builder.workers;
        this.globalBatch = builder.globalBatch;
        this.seed = builder.seed;
        this.syncMode = builder.syncMode;
        this.unbiasedRunningVariance = builder.unbiasedRunningVariance;
        this.clipping = builder.clipping;
        this.guard = builder.guard;
        this.threadsPerTask = builder.threadsPerTask;
        this.roundTimeout = builder.roundTimeout;
        this.runDirectory = builder.runDirectory;
        this.checkpointDirectory = builder.checkpointDirectory;
        this.checkpointEverySteps = builder.checkpointEverySteps;
        this.checkpointsToKeep = builder.checkpointsToKeep;
        this.collectTrainingStats = builder.collectTrainingStats;
        // Fail at build time, not at the first fit(), on settings the runtime would refuse.
        new TrainingOptions(workers == null ? 1 : workers, globalBatch, 1, 0, seed, syncMode, clipping, guard, null,
                threadsPerTask, roundTimeout);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Training

    @Override
    public void executeTraining(SparkDl4jMultiLayer network, JavaRDD<DataSet> trainingData) {
        fit(network.getSparkContext(), network.getNetwork(), "rdd:" + trainingData.id(), () -> trainingData,
                network::setScore);
    }

    @Override
    public void executeTraining(SparkComputationGraph graph, JavaRDD<DataSet> trainingData) {
        fit(graph.getSparkContext(), graph.getNetwork(), "rdd:" + trainingData.id(), () -> trainingData,
                graph::setScore);
    }

    /** MultiDataSets with one input and one output array (what a graph with one input and one output takes). */
    @Override
    public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
        fit(graph.getSparkContext(), graph.getNetwork(), "mds:" + trainingData.id(),
                () -> trainingData.map(LockstepTrainingMaster::toDataSet), graph::setScore);
    }

    /**
     * Serialized DataSets (or single-input, single-output MultiDataSets) at {@code trainingDataPaths}, as
     * {@code fit(String path)} and {@code fitPaths} pass them. The paths are sorted first, so the data order
     * depends on the seed only, not on how the file system lists them.
     */
    @Override
    public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                     JavaRDD<String> trainingDataPaths, DataSetLoader dsLoader,
                                     MultiDataSetLoader mdsLoader) {
        JavaSparkContext sc = network != null ? network.getSparkContext() : graph.getSparkContext();
        List<String> paths = new ArrayList<>(trainingDataPaths.collect());
        Collections.sort(paths);
        Supplier<JavaRDD<DataSet>> data = () -> {
            JavaRDD<String> ordered = sc.parallelize(paths, Math.max(1, trainingDataPaths.getNumPartitions()));
            RemoteFileSourceFactory files = new RemoteFileSourceFactory(BroadcastHadoopConfigHolder.get(sc));
            if (dsLoader != null) {
                return ordered.map(new LoadDataSetFunction(dsLoader, files));
            }
            if (mdsLoader == null) {
                throw new IllegalArgumentException("no loader for the training paths");
            }
            return ordered.map(path -> toDataSet(mdsLoader.load(files.getSource(path))));
        };
        String key = "paths:" + sha256(String.join("\n", paths));
        if (network != null) {
            fit(sc, network.getNetwork(), key, data, network::setScore);
        } else {
            fit(sc, graph.getNetwork(), key, data, graph::setScore);
        }
    }

    /** One epoch of synchronous training of {@code user} on the data (sharded once per distinct data). */
    private void fit(JavaSparkContext sc, Model user, String dataKey, Supplier<JavaRDD<DataSet>> data,
                     DoubleConsumer score) {
        long fitStart = System.currentTimeMillis();
        openMetrics();
        int workerCount = workers != null ? workers : sc.defaultParallelism();
        WorkerShards<ExampleShard> workerShards = shardsFor(dataKey, data, workerCount);
        int stepsPerEpoch = workerShards.stepsPerEpoch(globalBatch);

        Network userNetwork = Network.of(user);
        TrainingState start;
        if (resumeFrom != null) {
            start = resumeFrom;
            resumeFrom = null;
            userNetwork.setEpochCount((int) (start.nextStep() / stepsPerEpoch));
        } else {
            start = new TrainingState((long) userNetwork.epochCount() * stepsPerEpoch, seed, fingerprint(user),
                    skippedSteps, clippedSteps, examples);
        }
        int epoch = (int) (start.nextStep() / stepsPerEpoch);
        TrainingOptions options = new TrainingOptions(workerCount, globalBatch, epoch + 1, 0, seed, syncMode, clipping,
                guard, null, threadsPerTask, roundTimeout);

        Model driverCopy = twinFor(user);
        for (TrainingListener listener : listeners) {
            listener.onEpochStart(driverCopy);
        }
        io.lockstep.spark.train.TrainingResult result = ShardTrainer.train(sc, driverCopy, workerShards, options,
                new DriverListener(driverCopy), checkpointPlan(sc, user), start);
        handBack(driverCopy, user);

        skippedSteps = result.skippedSteps();
        clippedSteps = result.clippedSteps();
        examples += result.examples();
        if (Double.isFinite(result.finalLoss())) {
            score.accept(result.finalLoss());
            setScore(user, result.finalLoss());
        }
        if (collectTrainingStats) {
            stats().logFit(fitStart, System.currentTimeMillis() - fitStart, result.examples());
        }
        if (metrics != null) {
            metrics.onFit(result, settings(), epoch + 1);
        }
    }

    /** The twin of the last fit() if the user's network is as that fit() left it, else a new twin of it. */
    private Model twinFor(Model user) {
        Network userNetwork = Network.of(user);
        if (twin != null && twinOwner == user && handedBack != null && user.params().equalsWithEps(handedBack, 0.0)
                && Network.of(twin).iterationCount() == userNetwork.iterationCount()) {
            Network.of(twin).setEpochCount(userNetwork.epochCount());
            return twin;
        }
        twin = SyncTwin.of(user, unbiasedRunningVariance);
        twinOwner = user;
        handedBack = null;
        return twin;
    }

    /** Copies the twin's state into the user's network and remembers what was handed back. */
    private void handBack(Model trained, Model user) {
        SyncTwin.copyBack(trained, user);
        twin = trained;
        twinOwner = user;
        handedBack = user.params().dup();
    }

    /** The shards of this data: made on the first fit() of it, kept (cached) for the next epochs. */
    private WorkerShards<ExampleShard> shardsFor(String dataKey, Supplier<JavaRDD<DataSet>> data, int workerCount) {
        if (shards != null && dataKey.equals(shardsKey) && shards.workers() == workerCount) {
            return shards;
        }
        releaseShards();
        long begin = System.currentTimeMillis();
        shards = DataSetSharding.shard(data.get(), workerCount, seed);
        shardsKey = dataKey;
        if (collectTrainingStats) {
            stats().logShard(begin, System.currentTimeMillis() - begin, shards.examples());
        }
        LOG.log(System.Logger.Level.INFO, "sharded " + shards.examples() + " examples over " + workerCount
                + " workers in " + (System.currentTimeMillis() - begin) + " ms");
        return shards;
    }

    private void releaseShards() {
        if (shards != null) {
            shards.close();
            shards = null;
            shardsKey = null;
        }
    }

    private CheckpointPlan checkpointPlan(JavaSparkContext sc, Model user) {
        if (checkpointDirectory == null) {
            return null;
        }
        return new CheckpointPlan(checkpointStore(sc), checkpointEverySteps, fingerprint(user));
    }

    private CheckpointStore checkpointStore(JavaSparkContext sc) {
        if (checkpointStore == null) {
            try {
                checkpointStore = new CheckpointStore(new org.apache.hadoop.fs.Path(checkpointDirectory),
                        sc.hadoopConfiguration(), checkpointsToKeep);
            } catch (IOException e) {
                throw new UncheckedIOException("checkpoint directory " + checkpointDirectory + ": " + e.getMessage(), e);
            }
        }
        return checkpointStore;
    }

    /**
     * Restores the newest checkpoint of {@link Builder#checkpointDirectory} into the network, so that the next
     * fit() continues where that checkpoint stands (within its epoch, if it was written mid-epoch; the network's
     * epoch count follows).
     *
     * @return false when the directory holds no checkpoint
     * @throws IllegalStateException when the checkpoint was written for another network or other settings
     */
    public boolean restoreLatestCheckpoint(SparkDl4jMultiLayer network) {
        return restore(network.getSparkContext(), network.getNetwork());
    }

    /** {@link #restoreLatestCheckpoint(SparkDl4jMultiLayer)} for a SparkComputationGraph. */
    public boolean restoreLatestCheckpoint(SparkComputationGraph graph) {
        return restore(graph.getSparkContext(), graph.getNetwork());
    }

    private boolean restore(JavaSparkContext sc, Model user) {
        if (checkpointDirectory == null) {
            throw new IllegalStateException("no checkpoint directory configured");
        }
        List<String> skipped = new ArrayList<>();
        Checkpoint checkpoint;
        try {
            checkpoint = checkpointStore(sc).loadLatest(skipped).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints in " + checkpointDirectory + ": " + e.getMessage(), e);
        }
        for (String problem : skipped) {
            LOG.log(System.Logger.Level.WARNING, "skipped checkpoint " + problem);
        }
        if (checkpoint == null) {
            return false;
        }
        String expected = fingerprint(user);
        if (checkpoint.state().configFingerprint() != null && !checkpoint.state().configFingerprint().equals(expected)) {
            throw new IllegalStateException("checkpoint " + checkpoint.path() + " was written for another network or "
                    + "other settings (fingerprint " + checkpoint.state().configFingerprint() + ", now " + expected + ")");
        }
        handBack(checkpoint.model(), user);
        resumeFrom = checkpoint.state();
        skippedSteps = resumeFrom.skippedSteps();
        clippedSteps = resumeFrom.clippedSteps();
        examples = resumeFrom.examples();
        return true;
    }

    /** What a checkpoint must have been written with: the network's configuration and the settings of the math. */
    private String fingerprint(Model user) {
        String configuration;
        if (user instanceof MultiLayerNetwork net) {
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
            conf.setIterationCount(0);
            conf.setEpochCount(0);
            configuration = conf.toJson();
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) user).getConfiguration().clone();
            conf.setIterationCount(0);
            conf.setEpochCount(0);
            configuration = conf.toJson();
        }
        return sha256(configuration + "\nworkers=" + workers + " globalBatch=" + globalBatch + " seed=" + seed
                + " syncMode=" + syncMode.spelling() + " unbiasedRunningVariance=" + unbiasedRunningVariance);
    }

    private static DataSet toDataSet(MultiDataSet data) {
        if (data.numFeatureArrays() != 1 || data.numLabelsArrays() != 1) {
            throw new UnsupportedOperationException("Lockstep trains on MultiDataSets with one feature and one label "
                    + "array, got " + data.numFeatureArrays() + " and " + data.numLabelsArrays());
        }
        return new DataSet(data.getFeatures(0), data.getLabels(0), data.getFeaturesMaskArray(0),
                data.getLabelsMaskArray(0));
    }

    private static void setScore(Model model, double score) {
        if (model instanceof MultiLayerNetwork net) {
            net.setScore(score);
        } else if (model instanceof ComputationGraph graph) {
            graph.setScore(score);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The driver's per-step hook: statistics, run-directory metrics, the user's DL4J listeners. */
    private final class DriverListener implements StepListener {
        private final Model driverCopy;
        private final Network driverNetwork;

        DriverListener(Model driverCopy) {
            this.driverCopy = driverCopy;
            this.driverNetwork = Network.of(driverCopy);
        }

        @Override
        public void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
            if (collectTrainingStats) {
                stats().logStep(System.currentTimeMillis(), stepMillis, driverMillis);
            }
            if (metrics != null) {
                metrics.onStep(outcome, epoch, stepMillis, driverMillis);
            }
            if (!listeners.isEmpty()) {
                if (Double.isFinite(outcome.loss())) {
                    setScore(driverCopy, outcome.loss());
                }
                // As DL4J's own fit() reports it: the iteration count before the step's increment.
                int iteration = driverNetwork.iterationCount() - (outcome.skipped() ? 0 : 1);
                for (TrainingListener listener : listeners) {
                    listener.iterationDone(driverCopy, iteration, epoch);
                }
            }
        }

        @Override
        public void onEpochEnd(int epoch) {
            for (TrainingListener listener : listeners) {
                listener.onEpochEnd(driverCopy);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Statistics, listeners, hooks, files

    @Override
    public void setCollectTrainingStats(boolean collectTrainingStats) {
        this.collectTrainingStats = collectTrainingStats;
        if (collectTrainingStats && stats == null) {
            stats = new LockstepTrainingStats();
        }
    }

    @Override
    public boolean getIsCollectTrainingStats() {
        return collectTrainingStats;
    }

    /** The statistics collected since {@code setCollectTrainingStats(true)}, or null if they were never collected. */
    @Override
    public SparkTrainingStats getTrainingStats() {
        return stats;
    }

    private LockstepTrainingStats stats() {
        if (stats == null) {
            stats = new LockstepTrainingStats();
        }
        return stats;
    }

    @Override
    public void setListeners(Collection<TrainingListener> listeners) {
        setListeners(null, listeners);
    }

    /** Listeners run on the driver; routing listeners without a router of their own get {@code router}. */
    @Override
    public void setListeners(StatsStorageRouter router, Collection<TrainingListener> listeners) {
        this.listeners.clear();
        if (listeners == null) {
            return;
        }
        for (TrainingListener listener : listeners) {
            if (router != null && listener instanceof RoutingIterationListener routing
                    && routing.getStorageRouter() == null) {
                routing.setStorageRouter(router);
            }
            this.listeners.add(listener);
        }
    }

    /**
     * Not supported: hooks run around every minibatch inside DL4J's parameter-averaging workers, which Lockstep does
     * not have (its workers compute one shard of a synchronous step). Use {@code setListeners} for per-step work.
     */
    @Override
    public void addHook(TrainingHook trainingHook) {
        throw new UnsupportedOperationException("LockstepTrainingMaster has no per-minibatch worker hooks; "
                + "use setListeners(...) for per-step work on the driver");
    }

    @Override
    public void removeHook(TrainingHook trainingHook) {
        // no hook was ever added
    }

    /** Not used: Lockstep's workers are barrier tasks that the master launches itself. */
    @Override
    public TrainingWorker<TrainingResult> getWorkerInstance(SparkDl4jMultiLayer network) {
        throw new UnsupportedOperationException("LockstepTrainingMaster does not use DL4J training workers");
    }

    @Override
    public TrainingWorker<TrainingResult> getWorkerInstance(SparkComputationGraph graph) {
        throw new UnsupportedOperationException("LockstepTrainingMaster does not use DL4J training workers");
    }

    /** Releases the cached shards of the training data (Lockstep writes no temporary files). */
    @Override
    public boolean deleteTempFiles(JavaSparkContext sc) {
        releaseShards();
        return true;
    }

    @Override
    public boolean deleteTempFiles(SparkContext sc) {
        return deleteTempFiles(JavaSparkContext.fromSparkContext(sc));
    }

    /** The run directory's metrics, opened on first use. */
    private void openMetrics() {
        if (runDirectory != null && metrics == null) {
            try {
                metrics = new RunMetrics(Path.of(runDirectory));
            } catch (IOException e) {
                throw new UncheckedIOException("run directory " + runDirectory + ": " + e.getMessage(), e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Configuration as JSON / YAML

    /** The settings, by the names the Builder and fromJson use. */
    private Map<String, Object> settings() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("workers", workers);
        map.put("globalBatch", globalBatch);
        map.put("rngSeed", seed);
        map.put("batchNormSync", syncMode.spelling());
        map.put("unbiasedRunningVariance", unbiasedRunningVariance);
        map.put("gradientNormClipping", clipping.globalNorm());
        map.put("gradientValueClipping", clipping.value());
        map.put("adaptiveGradientClipping", clipping.agc());
        map.put("nonFiniteSteps", clipping.nonFinite().name());
        map.put("guardSpikeFactor", guard.spikeFactor());
        map.put("guardWindow", guard.window());
        map.put("guardLearningRateBackoff", guard.learningRateBackoff());
        map.put("guardMaxBadSteps", guard.maxBadSteps());
        map.put("threadsPerTask", threadsPerTask);
        map.put("roundTimeoutMs", roundTimeout.toMillis());
        map.put("runDirectory", runDirectory);
        map.put("checkpointDirectory", checkpointDirectory);
        map.put("checkpointEverySteps", checkpointEverySteps);
        map.put("checkpointsToKeep", checkpointsToKeep);
        map.put("collectTrainingStats", collectTrainingStats);
        return map;
    }

    @Override
    public String toJson() {
        return write(JSON);
    }

    @Override
    public String toYaml() {
        return write(YAML);
    }

    private String write(ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(settings());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the LockstepTrainingMaster settings: " + e.getMessage(), e);
        }
    }

    /** A master with the settings of {@link #toJson()}; absent settings take the Builder's defaults. */
    public static LockstepTrainingMaster fromJson(String json) {
        return read(JSON, json);
    }

    /** A master with the settings of {@link #toYaml()}; absent settings take the Builder's defaults. */
    public static LockstepTrainingMaster fromYaml(String yaml) {
        return read(YAML, yaml);
    }

    private static LockstepTrainingMaster read(ObjectMapper mapper, String text) {
        Map<String, Object> map;
        try {
            map = mapper.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("not a LockstepTrainingMaster configuration: " + e.getMessage(), e);
        }
        Settings settings = new Settings(map);
        Builder builder = new Builder(settings.integerOrNull("workers"), settings.integer("globalBatch"));
        settings.ifPresent("rngSeed", key -> builder.rngSeed(settings.number(key).longValue()));
        settings.ifPresent("batchNormSync", key -> builder.batchNormSync(settings.text(key)));
        settings.ifPresent("unbiasedRunningVariance", key -> builder.unbiasedRunningVariance(settings.bool(key)));
        settings.ifPresent("gradientNormClipping", key -> builder.gradientNormClipping(settings.number(key).doubleValue()));
        settings.ifPresent("gradientValueClipping", key -> builder.gradientValueClipping(settings.number(key).doubleValue()));
        settings.ifPresent("adaptiveGradientClipping",
                key -> builder.adaptiveGradientClipping(settings.number(key).doubleValue()));
        settings.ifPresent("nonFiniteSteps",
                key -> builder.nonFiniteSteps(ClippingConfig.NonFinitePolicy.valueOf(settings.text(key))));
        GuardConfig guard = builder.guard;
        builder.guard(new GuardConfig(
                settings.has("guardSpikeFactor") ? settings.number("guardSpikeFactor").doubleValue() : guard.spikeFactor(),
                settings.has("guardWindow") ? settings.integer("guardWindow") : guard.window(),
                settings.has("guardLearningRateBackoff") ? settings.number("guardLearningRateBackoff").doubleValue()
                        : guard.learningRateBackoff(),
                settings.has("guardMaxBadSteps") ? settings.integer("guardMaxBadSteps") : guard.maxBadSteps()));
        settings.ifPresent("threadsPerTask", key -> builder.threadsPerTask(settings.integer(key)));
        settings.ifPresent("roundTimeoutMs", key -> builder.roundTimeout(Duration.ofMillis(settings.number(key).longValue())));
        settings.ifPresent("runDirectory", key -> builder.runDirectory(settings.text(key)));
        settings.ifPresent("checkpointDirectory", key -> builder.checkpointDirectory(settings.text(key)));
        settings.ifPresent("checkpointEverySteps", key -> builder.checkpointEverySteps(settings.number(key).longValue()));
        settings.ifPresent("checkpointsToKeep", key -> builder.checkpointsToKeep(settings.integer(key)));
        settings.ifPresent("collectTrainingStats", key -> builder.collectTrainingStats(settings.bool(key)));
        settings.requireAllUsed();
        return builder.build();
    }

    /** A parsed configuration map; every key must be read (an unknown key is an error, not silently ignored). */
    private static final class Settings {
        private final Map<String, Object> map;
        private final java.util.Set<String> unused;

        Settings(Map<String, Object> map) {
            this.map = map;
            this.unused = new java.util.LinkedHashSet<>(map.keySet());
        }

        boolean has(String key) {
            unused.remove(key);
            return map.get(key) != null;
        }

        void ifPresent(String key, java.util.function.Consumer<String> apply) {
            if (has(key)) {
                apply.accept(key);
            }
        }

        Number number(String key) {
            unused.remove(key);
            Object value = map.get(key);
            if (!(value instanceof Number number)) {
                throw new IllegalArgumentException("LockstepTrainingMaster setting '" + key + "' must be a number, got "
                        + value);
            }
            return number;
        }

        int integer(String key) {
            return Math.toIntExact(number(key).longValue());
        }

        Integer integerOrNull(String key) {
            return has(key) ? integer(key) : null;
        }

        String text(String key) {
            unused.remove(key);
            return String.valueOf(map.get(key));
        }

        boolean bool(String key) {
            unused.remove(key);
            Object value = map.get(key);
            if (!(value instanceof Boolean bool)) {
                throw new IllegalArgumentException("LockstepTrainingMaster setting '" + key + "' must be true or false, "
                        + "got " + value);
            }
            return bool;
        }

        void requireAllUsed() {
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("unknown LockstepTrainingMaster settings " + unused);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Builder

    /**
     * Builds a {@link LockstepTrainingMaster}, in the style of DL4J's training-master builders. Defaults: seed 42,
     * exact synchronized batch norm with DL4J's (biased) running-variance convention, no clipping, non-finite steps
     * skipped, the explosion guard's defaults, ND4J threads per task = cores / workers in local mode, a 5-minute
     * round timeout, no run directory, no checkpoints.
     */
    public static class Builder {
        private Integer workers;
        private int globalBatch;
        private long seed = 42;
        private SyncMode syncMode = SyncMode.EXACT;
        private boolean unbiasedRunningVariance = false;
        private ClippingConfig clipping = ClippingConfig.NONE;
        private GuardConfig guard = GuardConfig.DEFAULT;
        private int threadsPerTask = 0;
        private Duration roundTimeout = Duration.ofMinutes(5);
        private String runDirectory;
        private String checkpointDirectory;
        private long checkpointEverySteps = 0;
        private int checkpointsToKeep = 3;
        private boolean collectTrainingStats = false;

        /** W = Spark's default parallelism (the cluster's cores), global batch B split evenly over the W workers. */
        public Builder(int globalBatch) {
            this(null, globalBatch);
        }

        /**
         * @param workers     W, the number of workers (barrier tasks, all running at once); null for Spark's default
         *                    parallelism
         * @param globalBatch B, the examples of one synchronous step over all workers (what one JVM would use as
         *                    its mini-batch size)
         */
        public Builder(Integer workers, int globalBatch) {
            if (workers != null && workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            if (globalBatch < 1) {
                throw new IllegalArgumentException("the global batch must be >= 1, got " + globalBatch);
            }
            this.workers = workers;
            this.globalBatch = globalBatch;
        }

        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Seeds the data order: the shuffle that shards the data and each worker's order per epoch. */
        public Builder rngSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How batch norm combines the workers' statistics: exact (default), stats or local. */
        public Builder batchNormSync(SyncMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("the batch-norm sync mode must be set");
            }
            this.syncMode = mode;
            return this;
        }

        /** {@link #batchNormSync(SyncMode)} by its spelling: {@code exact}, {@code stats} or {@code local}. */
        public Builder batchNormSync(String mode) {
            return batchNormSync(SyncMode.parse(mode));
        }

        /**
         * The running-variance update of the converted DL4J batch-norm layers: false (default) keeps DL4J's biased
         * batch variance, so that the result equals DL4J's own single-JVM fit(); true takes PyTorch's unbiased one.
         */
        public Builder unbiasedRunningVariance(boolean unbiased) {
            this.unbiasedRunningVariance = unbiased;
            return this;
        }

        /** Clips the global L2 norm of the averaged gradient to {@code maxNorm} (clip_grad_norm_); 0 = off. */
        public Builder gradientNormClipping(double maxNorm) {
            this.clipping = new ClippingConfig(maxNorm, clipping.value(), clipping.agc(), clipping.nonFinite());
            return this;
        }

        /** Clips every gradient element to [-maxValue, maxValue] (clip_grad_value_); 0 = off. */
        public Builder gradientValueClipping(double maxValue) {
            this.clipping = new ClippingConfig(clipping.globalNorm(), maxValue, clipping.agc(), clipping.nonFinite());
            return this;
        }

        /** Adaptive gradient clipping (Brock et al. 2021) with factor lambda; 0 = off. */
        public Builder adaptiveGradientClipping(double lambda) {
            this.clipping = new ClippingConfig(clipping.globalNorm(), clipping.value(), lambda, clipping.nonFinite());
            return this;
        }

        /** What a step with a non-finite loss or gradient does: SKIP (default) or FAIL. */
        public Builder nonFiniteSteps(ClippingConfig.NonFinitePolicy policy) {
            this.clipping = clipping.withNonFinite(policy);
            return this;
        }

        /** All clipping settings at once. */
        public Builder clipping(ClippingConfig clipping) {
            if (clipping == null) {
                throw new IllegalArgumentException("clipping must be set (ClippingConfig.NONE for none)");
            }
            this.clipping = clipping;
            return this;
        }

        /** The explosion guard: loss-spike rollback and the limit on consecutive bad steps ({@code GuardConfig.OFF}). */
        public Builder guard(GuardConfig guard) {
            if (guard == null) {
                throw new IllegalArgumentException("the guard must be set (GuardConfig.OFF for none)");
            }
            this.guard = guard;
            return this;
        }

        /** ND4J (OpenMP) threads per worker task; 0 = cores / workers in local mode, spark.task.cpus on a cluster. */
        public Builder threadsPerTask(int threads) {
            this.threadsPerTask = threads;
            return this;
        }

        /** How long the driver waits for a missing worker in a step before failing the step. */
        public Builder roundTimeout(Duration timeout) {
            this.roundTimeout = timeout;
            return this;
        }

        /** A directory on the driver for Lockstep's metrics.jsonl (per step) and summary.json (per fit). */
        public Builder runDirectory(String directory) {
            this.runDirectory = directory;
            return this;
        }

        /** A directory of any Hadoop file system (file://, hdfs://, s3a://) for checkpoints of the driver's state. */
        public Builder checkpointDirectory(String directory) {
            this.checkpointDirectory = directory;
            return this;
        }

        /** A checkpoint every n steps (0, the default: at the end of every fit() only). */
        public Builder checkpointEverySteps(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("checkpointEverySteps must be >= 0, got " + steps);
            }
            this.checkpointEverySteps = steps;
            return this;
        }

        /** How many of the newest checkpoints are kept. */
        public Builder checkpointsToKeep(int keep) {
            if (keep < 1) {
                throw new IllegalArgumentException("checkpointsToKeep must be >= 1, got " + keep);
            }
            this.checkpointsToKeep = keep;
            return this;
        }

        /** Collect timings for {@code getSparkTrainingStats()} (also settable on the SparkDl4jMultiLayer). */
        public Builder collectTrainingStats(boolean collect) {
            this.collectTrainingStats = collect;
            return this;
        }

        public LockstepTrainingMaster build() {
            LockstepTrainingMaster master = new LockstepTrainingMaster(this);
            master.setCollectTrainingStats(collectTrainingStats);
            return master;
        }
    }
}
