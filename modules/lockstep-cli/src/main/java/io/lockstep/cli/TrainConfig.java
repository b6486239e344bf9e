package io.lockstep.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.lockstep.data.Augmentation;
import io.lockstep.data.DatasetLayout;
import io.lockstep.nn.SyncMode;
import io.lockstep.schedule.StepDecay;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.ClippingConfig.NonFinitePolicy;
import io.lockstep.step.GuardConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one {@code lockstep train} run, immutable and valid: {@link #from} reads them from a resolved
 * HOCON config, the constructor checks every range and every relation between settings (the one place where
 * configuration is validated), and {@link #toConfig} writes them back, so that config to HOCON to config is the
 * identity. The defaults live in {@code reference.conf} only: this class has none.
 *
 * @param runDir      {@value #RUN_DIR}: the run directory (local file system)
 * @param spark       {@code lockstep.spark.*}
 * @param workers     {@value #WORKERS}: data-parallel workers W
 * @param threadsPerTask {@value #THREADS_PER_TASK}: ND4J threads per worker task, 0 = automatic
 * @param roundTimeout {@value #ROUND_TIMEOUT}: how long the driver waits for a missing worker
 * @param seed        {@value #SEED}
 * @param dtype       {@value #DTYPE}
 * @param train       {@code lockstep.train.*}
 * @param batchNormSync {@value #BATCH_NORM_SYNC}
 * @param clip        {@code lockstep.clip.*}
 * @param guard       {@code lockstep.guard.*}
 * @param optimizer   {@code lockstep.optimizer.*}
 * @param data        {@code lockstep.data.*}
 * @param model       {@value #MODEL}
 * @param checkpoint  {@code lockstep.checkpoint.*}
 */
record TrainConfig(String runDir, Spark spark, int workers, int threadsPerTask, Duration roundTimeout,
                          long seed, Precision dtype, Train train, SyncMode batchNormSync, Clip clip,
                          Guard guard, Optimizer optimizer, Data data, ModelSpec model, Checkpoint checkpoint) {

    static final String RUN_DIR = "lockstep.run-dir";
    static final String SPARK_MASTER = "lockstep.spark.master";
    static final String SPARK_CONF = "lockstep.spark.conf";
    static final String WORKERS = "lockstep.workers";
    static final String THREADS_PER_TASK = "lockstep.threads-per-task";
    static final String ROUND_TIMEOUT = "lockstep.round-timeout";
    static final String SEED = "lockstep.seed";
    static final String DTYPE = "lockstep.dtype";
    static final String BATCH_SIZE = "lockstep.train.batch-size";
    static final String EPOCHS = "lockstep.train.epochs";
    static final String MAX_STEPS = "lockstep.train.max-steps";
    static final String BATCH_NORM_SYNC = "lockstep.batch-norm.sync";
    static final String CLIP_GLOBAL_NORM = "lockstep.clip.global-norm";
    static final String CLIP_VALUE = "lockstep.clip.value";
    static final String CLIP_AGC = "lockstep.clip.agc";
    static final String CLIP_NON_FINITE = "lockstep.clip.non-finite";
    static final String GUARD_SPIKE_FACTOR = "lockstep.guard.spike-factor";
    static final String GUARD_WINDOW = "lockstep.guard.window";
    static final String GUARD_LR_BACKOFF = "lockstep.guard.lr-backoff";
    static final String GUARD_MAX_BAD_STEPS = "lockstep.guard.max-bad-steps";
    static final String OPTIMIZER_NAME = "lockstep.optimizer.name";
    static final String LEARNING_RATE = "lockstep.optimizer.learning-rate";
    static final String SCHEDULE = "lockstep.optimizer.schedule";
    static final String WARMUP_STEPS = "lockstep.optimizer.warmup-steps";
    static final String DECAY_EPOCHS = "lockstep.optimizer.decay-epochs";
    static final String DECAY_FACTOR = "lockstep.optimizer.decay-factor";
    static final String LINEAR_SCALING = "lockstep.optimizer.linear-scaling";
    static final String MOMENTUM = "lockstep.optimizer.momentum";
    static final String WEIGHT_DECAY = "lockstep.optimizer.weight-decay";
    static final String DATA_NAME = "lockstep.data.name";
    static final String DATA_DIR = "lockstep.data.dir";
    static final String DATA_FETCH = "lockstep.data.fetch";
    static final String DATA_AUGMENTATION = "lockstep.data.augmentation";
    static final String MODEL = "lockstep.model";
    static final String CHECKPOINT_DIR = "lockstep.checkpoint.dir";
    static final String CHECKPOINT_EVERY_STEPS = "lockstep.checkpoint.every-steps";
    static final String CHECKPOINT_KEEP = "lockstep.checkpoint.keep";

    /** In {@code lockstep.checkpoint.dir}: the run directory. */
    static final String RUN_DIR_PLACEHOLDER = "{run-dir}";

    /**
     * The settings that say where and on what a run executes, not what it computes: left out of the
     * {@link #fingerprint()}, so that a run can be resumed elsewhere (another cluster, the data copied to HDFS).
     */
    static final List<String> NOT_FINGERPRINTED = List.of(RUN_DIR, "lockstep.spark", THREADS_PER_TASK, ROUND_TIMEOUT,
            DATA_DIR, DATA_FETCH, "lockstep.checkpoint");

    /** The fewest recent losses the guard's median is taken over (the guard judges no spike before it has them). */
    static final int GUARD_MIN_WINDOW = 5;

    /** The datasets a {@code lockstep train} run can use. */
    static final DatasetLayout[] DATASETS = DatasetLayout.values();

    /** Spark settings: the master URL and extra {@code spark.*} settings, flattened to dotted keys. */
    record Spark(String master, Map<String, String> conf) {
        public Spark {
            conf = Map.copyOf(conf);
        }
    }

    /** The training schedule: global batch B, epochs, and a cap on the total steps (0 = none). */
    record Train(int batchSize, int epochs, long maxSteps) {
    }

    /**
     * Gradient clipping, as {@link ClippingConfig} takes it: each threshold 0 = off.
     *
     * @param nonFinite what a step with a NaN or infinite loss or gradient norm does
     */
    record Clip(double globalNorm, double value, double agc, NonFinitePolicy nonFinite) {
        /** The driver's clipping settings. */
        ClippingConfig toClippingConfig() {
            return new ClippingConfig(globalNorm, value, agc, nonFinite);
        }
    }

    /**
     * The explosion guard, as {@link GuardConfig} takes it.
     *
     * @param spikeFactor a loss above this times the median of the last {@code window} losses is a spike; 0 = off
     * @param lrBackoff   factor on the step size at every rollback
     * @param maxBadSteps consecutive bad steps that stop training; 0 = never
     */
    record Guard(double spikeFactor, int window, double lrBackoff, int maxBadSteps) {
        /** The driver's guard settings. */
        GuardConfig toGuardConfig() {
            return new GuardConfig(spikeFactor, window, lrBackoff, maxBadSteps);
        }
    }

    /** How the learning rate changes over the run. */
    enum Schedule {
        /** {@code learning-rate} at every step. */
        CONSTANT,
        /** Half a cosine from {@code learning-rate} to 0 over the run's steps (Loshchilov and Hutter 2017). */
        COSINE,
        /** Multiplied by {@code decay-factor} at the start of each of the {@code decay-epochs} (He et al. 2016). */
        STEP;

        String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The optimizer and its hyperparameters.
     *
     * @param warmupSteps steps of linear warmup before the schedule; 0 = none
     * @param momentum    Nesterov momentum or Adam's beta1; null for ND4J's default (and for optimizers without one)
     * @param decayEpochs the epochs at whose start the step schedule decays, strictly increasing (step only)
     * @param decayFactor the step schedule's factor per decay, in (0, 1]
     * @param linearScaling whether the rate is {@code learningRate * batch / 256} (Goyal et al. 2017)
     */
    record Optimizer(OptimizerName name, double learningRate, Schedule schedule, long warmupSteps, Double momentum,
                     double weightDecay, List<Long> decayEpochs, double decayFactor, boolean linearScaling) {
        Optimizer {
            decayEpochs = List.copyOf(decayEpochs);
        }

        /** The constant-rate optimizer without decay or scaling. */
        static Optimizer of(OptimizerName name, double learningRate, Double momentum, double weightDecay) {
            return new Optimizer(name, learningRate, Schedule.CONSTANT, 0, momentum, weightDecay, List.of(),
                    StepDecay.DEFAULT_GAMMA, false);
        }
    }

    /**
     * The dataset: its name, the directory (Hadoop URI or local path) of its files, whether to fetch them, and the
     * random augmentation of its training images.
     */
    record Data(DatasetLayout name, String dir, boolean fetch, AugmentationName augmentation) {
    }

    /** The random augmentations of training images that {@value #DATA_AUGMENTATION} can name. */
    enum AugmentationName {
        /** The images as they are. */
        NONE("none"),
        /** 4-pixel zero padding, a random crop back to the original size, a horizontal flip half of the time. */
        CROP_FLIP("crop-flip");

        private final String spelling;

        AugmentationName(String spelling) {
            this.spelling = spelling;
        }

        String spelling() {
            return spelling;
        }

        /** The augmentation itself, or null for none (as {@link io.lockstep.spark.train.SparkTrainer} takes it). */
        Augmentation augmentation() {
            return this == CROP_FLIP ? Augmentation.cifar() : null;
        }
    }

    /**
     * Checkpoints of the driver's state.
     *
     * @param dir        where, {@value #RUN_DIR_PLACEHOLDER} standing for the run directory
     * @param everySteps every this many steps (and at the end); 0 = at the end only
     * @param keep       how many of the newest to keep
     */
    record Checkpoint(String dir, long everySteps, int keep) {
        /** The directory for a run in {@code runDir}. */
        String directory(String runDir) {
            return dir.replace(RUN_DIR_PLACEHOLDER, runDir);
        }
    }

    /** Checks every setting; a problem is a {@link ConfigError} naming its key. */
    public TrainConfig {
        requireNonBlank(RUN_DIR, runDir);
        requireNonBlank(SPARK_MASTER, spark.master());
        for (String key : spark.conf().keySet()) {
            if (key.equals("spark.master")) {
                throw new ConfigError(SPARK_CONF, "spark.master cannot be set here: use " + SPARK_MASTER);
            }
        }
        requireAtLeast(WORKERS, workers, 1);
        requireAtLeast(THREADS_PER_TASK, threadsPerTask, 0);
        if (roundTimeout.isNegative() || roundTimeout.isZero()) {
            throw new ConfigError(ROUND_TIMEOUT, "must be a positive duration, got " + roundTimeout);
        }
        Objects.requireNonNull(dtype, DTYPE);
        if (train.batchSize() < workers) {
            throw new ConfigError(BATCH_SIZE, "must be >= " + WORKERS + " (" + workers + "), got " + train.batchSize());
        }
        requireAtLeast(EPOCHS, train.epochs(), 1);
        requireAtLeast(MAX_STEPS, train.maxSteps(), 0);
        Objects.requireNonNull(batchNormSync, BATCH_NORM_SYNC);
        requireThreshold(CLIP_GLOBAL_NORM, clip.globalNorm());
        requireThreshold(CLIP_VALUE, clip.value());
        requireThreshold(CLIP_AGC, clip.agc());
        Objects.requireNonNull(clip.nonFinite(), CLIP_NON_FINITE);
        if (!(guard.spikeFactor() == 0 || guard.spikeFactor() > 1) || !Double.isFinite(guard.spikeFactor())) {
            throw new ConfigError(GUARD_SPIKE_FACTOR, "must be 0 (off) or a finite number > 1, got " + guard.spikeFactor());
        }
        requireAtLeast(GUARD_WINDOW, guard.window(), GUARD_MIN_WINDOW);
        if (!(guard.lrBackoff() > 0 && guard.lrBackoff() <= 1)) {
            throw new ConfigError(GUARD_LR_BACKOFF, "must be in (0, 1], got " + guard.lrBackoff());
        }
        requireAtLeast(GUARD_MAX_BAD_STEPS, guard.maxBadSteps(), 0);
        if (!(optimizer.learningRate() > 0) || !Double.isFinite(optimizer.learningRate())) {
            throw new ConfigError(LEARNING_RATE, "must be a finite number > 0, got " + optimizer.learningRate());
        }
        Objects.requireNonNull(optimizer.schedule(), SCHEDULE);
        requireAtLeast(WARMUP_STEPS, optimizer.warmupSteps(), 0);
        checkDecay(optimizer);
        if (optimizer.momentum() != null) {
            if (!optimizer.name().hasMomentum()) {
                throw new ConfigError(MOMENTUM, optimizer.name().spelling() + " has no momentum term"
                        + " (nesterov, adam and adamw do): remove it or set it to null, got " + optimizer.momentum());
            }
            if (!(optimizer.momentum() >= 0 && optimizer.momentum() < 1)) {
                throw new ConfigError(MOMENTUM, "must be in [0, 1), got " + optimizer.momentum());
            }
        }
        requireThreshold(WEIGHT_DECAY, optimizer.weightDecay());
        requireNonBlank(DATA_DIR, data.dir());
        Objects.requireNonNull(model, MODEL);
        requireNonBlank(CHECKPOINT_DIR, checkpoint.dir());
        requireAtLeast(CHECKPOINT_EVERY_STEPS, checkpoint.everySteps(), 0);
        requireAtLeast(CHECKPOINT_KEEP, checkpoint.keep(), 1);
    }

    /** Reads every {@code lockstep.*} setting from a resolved config that holds them all. */
    static TrainConfig from(Config config) {
        ConfigReader read = new ConfigReader(config);
        return new TrainConfig(
                read.string(RUN_DIR),
                new Spark(read.string(SPARK_MASTER), read.flatStringMap(SPARK_CONF)),
                read.integer(WORKERS),
                read.integer(THREADS_PER_TASK),
                read.duration(ROUND_TIMEOUT),
                read.longInteger(SEED),
                read.choice(DTYPE, Precision.values(), Precision::spelling),
                new Train(read.integer(BATCH_SIZE), read.integer(EPOCHS), read.longInteger(MAX_STEPS)),
                read.choice(BATCH_NORM_SYNC, SyncMode.values(), SyncMode::spelling),
                new Clip(read.decimal(CLIP_GLOBAL_NORM), read.decimal(CLIP_VALUE), read.decimal(CLIP_AGC),
                        read.choice(CLIP_NON_FINITE, NonFinitePolicy.values(), TrainConfig::spelling)),
                new Guard(read.decimal(GUARD_SPIKE_FACTOR), read.integer(GUARD_WINDOW), read.decimal(GUARD_LR_BACKOFF),
                        read.integer(GUARD_MAX_BAD_STEPS)),
                new Optimizer(read.choice(OPTIMIZER_NAME, OptimizerName.values(), OptimizerName::spelling),
                        read.decimal(LEARNING_RATE), read.choice(SCHEDULE, Schedule.values(), Schedule::spelling),
                        read.longInteger(WARMUP_STEPS), read.nullableDecimal(MOMENTUM), read.decimal(WEIGHT_DECAY),
                        read.longList(DECAY_EPOCHS), read.decimal(DECAY_FACTOR), read.bool(LINEAR_SCALING)),
                new Data(read.choice(DATA_NAME, DATASETS, DatasetLayout::id), read.string(DATA_DIR),
                        read.bool(DATA_FETCH),
                        read.choice(DATA_AUGMENTATION, AugmentationName.values(), AugmentationName::spelling)),
                model(read),
                new Checkpoint(read.string(CHECKPOINT_DIR), read.longInteger(CHECKPOINT_EVERY_STEPS),
                        read.integer(CHECKPOINT_KEEP)));
    }

    /** Every setting as HOCON, under {@code lockstep}; {@link #from} reads it back to an equal config. */
    Config toConfig() {
        return ConfigFactory.empty()
                .withValue(RUN_DIR, ConfigValueFactory.fromAnyRef(runDir))
                .withValue(SPARK_MASTER, ConfigValueFactory.fromAnyRef(spark.master()))
                .withValue(SPARK_CONF, ConfigValueFactory.fromMap(spark.conf()))
                .withValue(WORKERS, ConfigValueFactory.fromAnyRef(workers))
                .withValue(THREADS_PER_TASK, ConfigValueFactory.fromAnyRef(threadsPerTask))
                .withValue(ROUND_TIMEOUT, ConfigValueFactory.fromAnyRef(durationText(roundTimeout)))
                .withValue(SEED, ConfigValueFactory.fromAnyRef(seed))
                .withValue(DTYPE, ConfigValueFactory.fromAnyRef(dtype.spelling()))
                .withValue(BATCH_SIZE, ConfigValueFactory.fromAnyRef(train.batchSize()))
                .withValue(EPOCHS, ConfigValueFactory.fromAnyRef(train.epochs()))
                .withValue(MAX_STEPS, ConfigValueFactory.fromAnyRef(train.maxSteps()))
                .withValue(BATCH_NORM_SYNC, ConfigValueFactory.fromAnyRef(batchNormSync.spelling()))
                .withValue(CLIP_GLOBAL_NORM, ConfigValueFactory.fromAnyRef(clip.globalNorm()))
                .withValue(CLIP_VALUE, ConfigValueFactory.fromAnyRef(clip.value()))
                .withValue(CLIP_AGC, ConfigValueFactory.fromAnyRef(clip.agc()))
                .withValue(CLIP_NON_FINITE, ConfigValueFactory.fromAnyRef(spelling(clip.nonFinite())))
                .withValue(GUARD_SPIKE_FACTOR, ConfigValueFactory.fromAnyRef(guard.spikeFactor()))
                .withValue(GUARD_WINDOW, ConfigValueFactory.fromAnyRef(guard.window()))
                .withValue(GUARD_LR_BACKOFF, ConfigValueFactory.fromAnyRef(guard.lrBackoff()))
                .withValue(GUARD_MAX_BAD_STEPS, ConfigValueFactory.fromAnyRef(guard.maxBadSteps()))
                .withValue(OPTIMIZER_NAME, ConfigValueFactory.fromAnyRef(optimizer.name().spelling()))
                .withValue(LEARNING_RATE, ConfigValueFactory.fromAnyRef(optimizer.learningRate()))
                .withValue(SCHEDULE, ConfigValueFactory.fromAnyRef(optimizer.schedule().spelling()))
                .withValue(WARMUP_STEPS, ConfigValueFactory.fromAnyRef(optimizer.warmupSteps()))
                .withValue(DECAY_EPOCHS, ConfigValueFactory.fromIterable(optimizer.decayEpochs()))
                .withValue(DECAY_FACTOR, ConfigValueFactory.fromAnyRef(optimizer.decayFactor()))
                .withValue(LINEAR_SCALING, ConfigValueFactory.fromAnyRef(optimizer.linearScaling()))
                .withValue(MOMENTUM, ConfigValueFactory.fromAnyRef(optimizer.momentum()))
                .withValue(WEIGHT_DECAY, ConfigValueFactory.fromAnyRef(optimizer.weightDecay()))
                .withValue(DATA_NAME, ConfigValueFactory.fromAnyRef(data.name().id()))
                .withValue(DATA_DIR, ConfigValueFactory.fromAnyRef(data.dir()))
                .withValue(DATA_FETCH, ConfigValueFactory.fromAnyRef(data.fetch()))
                .withValue(DATA_AUGMENTATION, ConfigValueFactory.fromAnyRef(data.augmentation().spelling()))
                .withValue(MODEL, ConfigValueFactory.fromAnyRef(model.spelling()))
                .withValue(CHECKPOINT_DIR, ConfigValueFactory.fromAnyRef(checkpoint.dir()))
                .withValue(CHECKPOINT_EVERY_STEPS, ConfigValueFactory.fromAnyRef(checkpoint.everySteps()))
                .withValue(CHECKPOINT_KEEP, ConfigValueFactory.fromAnyRef(checkpoint.keep()));
    }

    /** The settings as a HOCON file: what a run directory's {@code config.conf} holds. */
    String toHocon() {
        return toConfig().root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
                .setJson(false).setFormatted(true));
    }

    /**
     * SHA-256 (hex) of the settings that determine what training computes, as canonical JSON (keys sorted, no
     * whitespace): all but {@link #NOT_FINGERPRINTED}. Two runs with equal fingerprints trained the same way,
     * wherever they ran and wrote their files; a run resumes only from a checkpoint with its own fingerprint.
     */
    String fingerprint() {
        Config computation = toConfig();
        for (String key : NOT_FINGERPRINTED) {
            computation = computation.withoutPath(key);
        }
        String json = computation.root().render(ConfigRenderOptions.concise());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The same settings with another run directory. */
    TrainConfig withRunDir(String newRunDir) {
        return new TrainConfig(newRunDir, spark, workers, threadsPerTask, roundTimeout, seed, dtype, train,
                batchNormSync, clip, guard, optimizer, data, model, checkpoint);
    }

    private static String spelling(NonFinitePolicy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    /** A duration as HOCON reads it back exactly: whole seconds as {@code 30s}, anything else in nanoseconds. */
    private static String durationText(Duration duration) {
        return duration.getNano() == 0 ? duration.getSeconds() + "s" : duration.toNanos() + "ns";
    }

    /** A zoo network's name, or a path ending in {@value ModelSpec#JSON_SUFFIX}. */
    private static ModelSpec model(ConfigReader read) {
        String text = read.string(MODEL);
        if (text.endsWith(ModelSpec.JSON_SUFFIX)) {
            return ModelSpec.file(text);
        }
        try {
            return ModelSpec.zoo(read.choice(MODEL, ModelName.values(), ModelName::spelling));
        } catch (ConfigError e) {
            throw new ConfigError(MODEL, e.problem() + " (or a DL4J network configuration file ending in "
                    + ModelSpec.JSON_SUFFIX + ")");
        }
    }

    /** The step schedule's epochs (needed by it, meaningless to the others) and its factor. */
    private static void checkDecay(Optimizer optimizer) {
        List<Long> epochs = optimizer.decayEpochs();
        if (optimizer.schedule() == Schedule.STEP && epochs.isEmpty()) {
            throw new ConfigError(DECAY_EPOCHS, "the step schedule needs at least one epoch to decay at, got []");
        }
        if (optimizer.schedule() != Schedule.STEP && !epochs.isEmpty()) {
            throw new ConfigError(DECAY_EPOCHS, "only the step schedule decays at epochs (" + SCHEDULE + " is "
                    + optimizer.schedule().spelling() + "): remove it or set it to [], got " + epochs);
        }
        long previous = 0;
        for (long epoch : epochs) {
            if (epoch <= previous) {
                throw new ConfigError(DECAY_EPOCHS, "must be positive and strictly increasing, got " + epochs);
            }
            previous = epoch;
        }
        if (!(optimizer.decayFactor() > 0 && optimizer.decayFactor() <= 1)) {
            throw new ConfigError(DECAY_FACTOR, "must be in (0, 1], got " + optimizer.decayFactor());
        }
    }

    private static void requireNonBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigError(key, "must not be empty");
        }
    }

    private static void requireAtLeast(String key, long value, long min) {
        if (value < min) {
            throw new ConfigError(key, "must be >= " + min + ", got " + value);
        }
    }

    /** A clipping threshold or decay: a finite number >= 0, where 0 means off. */
    private static void requireThreshold(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new ConfigError(key, "must be a finite number >= 0 (0 = off), got " + value);
        }
    }
}
