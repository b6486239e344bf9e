package io.lockstep.cli;

import io.lockstep.cli.report.ReportWriter;
import io.lockstep.checkpoint.Checkpoint;
import io.lockstep.checkpoint.CheckpointStore;
import io.lockstep.checkpoint.TrainingState;
import io.lockstep.data.LabeledImages;
import io.lockstep.spark.train.CheckpointPlan;
import io.lockstep.spark.train.Sharding;
import io.lockstep.spark.train.SparkTrainer;
import io.lockstep.spark.train.StepListener;
import io.lockstep.step.StepOutcome;
import io.lockstep.spark.train.TrainingOptions;
import io.lockstep.spark.train.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * {@code lockstep train CONFIG [--set key=value]... [--resume]}, in two phases:
 * <ol>
 *   <li>{@link #prepare}: load and check the configuration, fetch (if allowed) and read the dataset, build the
 *       network (or, with {@code --resume}, load the newest checkpoint and check that it was written with this
 *       configuration), start Spark. Any problem here is the user's to fix, and nothing has been written to the
 *       run directory: a new one does not exist yet.</li>
 *   <li>{@link #run}: create the run directory and write {@code config.conf}; train with
 *       {@link SparkTrainer}, checkpointing, writing {@code metrics.jsonl} and showing progress at every step;
 *       evaluate on the test set; write {@code model.zip} and {@code summary.json}.</li>
 * </ol>
 */
final class TrainCommand {
    private final PrintStream out;
    private final boolean terminal;

    /**
     * @param out      progress and information
     * @param terminal whether {@code out} is a terminal (progress redrawn in place) or a log
     */
    TrainCommand(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * A run that is ready to start: checked configuration, data and network, and a live Spark context.
     *
     * @param runDir     the directory the run will create, or the existing one it resumes in
     * @param resumeFrom the checkpoint the network was loaded from, or null for a fresh run
     */
    record Prepared(TrainConfig config, Path runDir, TrainingData data, Model network,
                    TrainingOptions options, long totalSteps, int epochs, Checkpoint resumeFrom,
                    JavaSparkContext spark, long startedNanos) implements AutoCloseable {
        /** Stops Spark. */
        @Override
        public void close() {
            spark.stop();
        }

        long firstStep() {
            return resumeFrom == null ? 0 : resumeFrom.state().nextStep();
        }
    }

    /**
     * Checks everything a run needs, writing nothing but fetched dataset files.
     *
     * @param resume continue the run in {@code lockstep.run-dir} from its newest checkpoint
     * @throws ConfigError   a setting that cannot be used, placed at the file or {@code --set} that set it
     * @throws InputError    a config file that cannot be read; a dataset that is missing and not to be fetched; a
     *                       checkpoint written with another configuration
     * @throws io.lockstep.data.DataFormatException   a dataset file that is not in its format
     * @throws io.lockstep.data.DatasetFetchException a fetch that failed
     */
    Prepared prepare(Path configFile, List<String> sets, boolean resume) {
        long started = System.nanoTime();
        ConfigLoader.Loaded loaded = ConfigLoader.load(configFile, sets);
        TrainConfig config = loaded.config();
        try {
            Path runDir = resume ? RunDirectory.existing(Path.of(config.runDir())).path()
                    : RunDirectory.plan(Path.of(config.runDir()));
            Checkpoint checkpoint = resume ? latestCheckpoint(configFile, config, runDir) : null;
            Configuration hadoop = HadoopSettings.of(config.spark());
            TrainingData data = TrainingData.load(config.data(), hadoop, message -> out.println("lockstep: " + message));
            Model network = checkpoint != null ? checkpoint.model() : Models.build(config, data.train(), hadoop);
            int stepsPerEpoch = stepsPerEpoch(config, data.train());
            long totalSteps = (long) stepsPerEpoch * config.train().epochs();
            if (config.train().maxSteps() > 0) {
                totalSteps = Math.min(totalSteps, config.train().maxSteps());
            }
            int epochs = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
            TrainingOptions options = new TrainingOptions(config.workers(), config.train().batchSize(),
                    config.train().epochs(), config.train().maxSteps(), config.seed(), config.batchNormSync(),
                    config.clip().toClippingConfig(), config.guard().toGuardConfig(),
                    Optimizers.schedule(config.optimizer(), totalSteps, stepsPerEpoch, config.train().batchSize()),
                    config.threadsPerTask(), config.roundTimeout());
            JavaSparkContext spark = SparkContexts.start(config.spark(), out);
            return new Prepared(config, runDir, data, network, options, totalSteps, epochs, checkpoint, spark, started);
        } catch (ConfigError e) {
            throw loaded.place(e);
        }
    }

    /** Trains, evaluates and writes the run directory. */
    void run(Prepared prepared) throws IOException {
        boolean resumed = prepared.resumeFrom() != null;
        RunDirectory dir = resumed ? RunDirectory.existing(prepared.runDir()) : RunDirectory.create(prepared.runDir());
        TrainConfig config = prepared.config().withRunDir(dir.path().toString());
        dir.writeAtomically(RunDirectory.CONFIG, config.toHocon());
        if (resumed) {
            MetricsWriter.truncate(dir, prepared.firstStep());
            out.println("lockstep: resuming in " + dir.path() + " at step " + prepared.firstStep() + " from "
                    + prepared.resumeFrom().path());
        } else {
            out.println("lockstep: run directory " + dir.path());
        }
        LabeledImages train = prepared.data().train();
        out.printf(Locale.ROOT, "lockstep: training %s on %s (%d training images) with %d workers, global batch %d,"
                        + " %d steps in %d epochs%n", config.model().spelling(), config.data().name().id(), train.count(),
                config.workers(), config.train().batchSize(), prepared.totalSteps(), prepared.epochs());

        CheckpointStore store = new CheckpointStore(new org.apache.hadoop.fs.Path(
                config.checkpoint().directory(dir.path().toString())), HadoopSettings.of(config.spark()),
                config.checkpoint().keep());
        CheckpointPlan checkpoints = new CheckpointPlan(store, config.checkpoint().everySteps(), config.fingerprint());
        TrainingState resumeState = resumed ? prepared.resumeFrom().state() : null;
        Progress progress = new Progress(out, terminal, prepared.firstStep(), prepared.totalSteps(), prepared.epochs(),
                System::nanoTime);
        TrainingResult result;
        TestEvaluation test;
        try (MetricsWriter metrics = new MetricsWriter(dir.appender(RunDirectory.METRICS));
             EpochEvaluation evaluation = new EpochEvaluation(prepared.spark(), prepared.network(),
                     prepared.data().test(), prepared.data().normalization(), config.workers(), metrics, out, terminal)) {
            long[] lastStep = {prepared.firstStep() - 1};
            StepListener listener = new StepListener() {
                @Override
                public void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
                    metrics.onStep(outcome, epoch, stepMillis, driverMillis);
                    progress.onStep(outcome, epoch, stepMillis, driverMillis);
                    lastStep[0] = outcome.step();
                }

                @Override
                public void onEpochEnd(int epoch) {
                    evaluation.afterEpoch(epoch, lastStep[0]);
                }
            };
            try {
                result = SparkTrainer.train(prepared.spark(), prepared.network(), train, prepared.data().normalization(),
                        config.data().augmentation().augmentation(), prepared.options(), listener, checkpoints,
                        resumeState);
            } finally {
                progress.finish();
            }
            test = TestEvaluation.of(evaluation.atEnd(lastStep[0]));
        }
        dir.writeAtomically(RunDirectory.MODEL, stream -> ModelSerializer.writeModel(result.model(), stream, true));
        double wallSeconds = (System.nanoTime() - prepared.startedNanos()) / 1e9;
        long steps = prepared.firstStep() + result.steps();
        dir.writeAtomically(RunDirectory.SUMMARY, Json.document(Summary.of(config, result, steps, test, train.count(),
                prepared.data().normalization(), wallSeconds, Versions.of(prepared.spark().version()))));
        out.printf(Locale.ROOT, "lockstep: done: test accuracy %.4f after %d steps (%.0f img/s, %d skipped, %d clipped);"
                        + " %s%n", test.accuracy(), steps, result.imagesPerSecond(), result.skippedSteps(),
                result.clippedSteps(), dir.path());
        out.println("lockstep: report " + ReportWriter.write(dir.path()));
    }

    /**
     * The newest valid checkpoint of the run, which must have been written with this configuration.
     *
     * @throws ConfigError at {@code lockstep.checkpoint.dir} when there is none
     * @throws InputError  when it was written with another configuration
     */
    private Checkpoint latestCheckpoint(Path configFile, TrainConfig config, Path runDir) {
        String directory = config.checkpoint().directory(runDir.toString());
        List<String> skipped = new ArrayList<>();
        Checkpoint checkpoint;
        try {
            checkpoint = new CheckpointStore(new org.apache.hadoop.fs.Path(directory), HadoopSettings.of(config.spark()),
                    config.checkpoint().keep()).loadLatest(skipped).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints in " + directory + ": " + e.getMessage(), e);
        }
        for (String problem : skipped) {
            out.println("lockstep: skipping a checkpoint that does not verify: " + problem);
        }
        if (checkpoint == null) {
            throw new ConfigError(TrainConfig.CHECKPOINT_DIR, "no valid checkpoint in " + directory + " to resume from");
        }
        String expected = config.fingerprint();
        if (!expected.equals(checkpoint.state().configFingerprint())) {
            throw new InputError(configFile + ": the configuration is not the one " + checkpoint.path()
                    + " was written with (fingerprint " + expected + ", the checkpoint's "
                    + checkpoint.state().configFingerprint() + "); resume with " + runDir.resolve(RunDirectory.CONFIG));
        }
        return checkpoint;
    }

    /**
     * Steps per epoch as {@link SparkTrainer} counts them (every worker fills its share of the global batch).
     *
     * @throws ConfigError at {@code lockstep.train.batch-size} when the training set cannot fill one global batch
     */
    private static int stepsPerEpoch(TrainConfig config, LabeledImages train) {
        try {
            return Sharding.stepsPerEpoch(Sharding.split(train, config.workers(), config.seed()),
                    config.train().batchSize());
        } catch (IllegalArgumentException e) {
            throw new ConfigError(TrainConfig.BATCH_SIZE, "must be at most the " + train.count()
                    + " training images in " + config.data().dir() + ", got " + config.train().batchSize());
        }
    }
}
