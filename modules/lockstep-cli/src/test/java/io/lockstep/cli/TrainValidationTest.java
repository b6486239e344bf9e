package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every configuration and data error of {@code lockstep train}: exit code 2, one line on stderr that names the
 * file (or {@code --set}) and the key, no stack trace, and no run directory. All of them are found before Spark
 * starts, so these tests run in milliseconds.
 */
class TrainValidationTest {
    @TempDir
    Path tmp;
    private Path runDir;
    private Path dataDir;

    @BeforeEach
    void paths() {
        runDir = tmp.resolve("runs/job");
        dataDir = tmp.resolve("data");
    }

    @Test
    void batchSmallerThanWorkers() throws IOException {
        assertInvalid(run("lockstep { workers = 2, train.batch-size = 1 }"),
                conf() + ": lockstep.train.batch-size: must be >= lockstep.workers (2), got 1");
    }

    @Test
    void unknownKeyInFileSuggestsTheKnownOne() throws IOException {
        assertInvalid(run("lockstep.train.batchsize = 64"),
                conf() + ": lockstep.train.batchsize: unknown key (did you mean lockstep.train.batch-size?)");
    }

    @Test
    void misplacedKeySuggestsWhereItLives() throws IOException {
        assertInvalid(run("lockstep.batch-size = 64"),
                conf() + ": lockstep.batch-size: unknown key (did you mean lockstep.train.batch-size?)");
    }

    @Test
    void unknownKeyInSet() throws IOException {
        assertInvalid(run("lockstep {}", "lockstep.workrs=3"),
                "--set: lockstep.workrs: unknown key (did you mean lockstep.workers?)");
    }

    @Test
    void setOutsideLockstep() throws IOException {
        assertInvalid(run("lockstep {}", "workers=3"), "--set: workers: unknown key", "did you mean lockstep.workers?");
    }

    @Test
    void topLevelKeyOutsideLockstep() throws IOException {
        assertInvalid(run("lockstp { workers = 3 }"), conf() + ": lockstp: unknown top-level key");
    }

    @Test
    void stringWhereAnIntegerBelongs() throws IOException {
        assertInvalid(run("lockstep.workers = two"), conf() + ": lockstep.workers: must be an integer, got \"two\"");
    }

    @Test
    void fractionWhereAnIntegerBelongs() throws IOException {
        assertInvalid(run("lockstep.train.epochs = 2.5"), conf() + ": lockstep.train.epochs: must be an integer, got 2.5");
    }

    @Test
    void scalarWhereAnObjectBelongs() throws IOException {
        assertInvalid(run("lockstep.train = 5"), conf() + ": lockstep.train: must be an object (with ");
    }

    @Test
    void unknownOptimizer() throws IOException {
        assertInvalid(run("lockstep.optimizer.name = adagrad"), conf() + ": lockstep.optimizer.name: must be one of"
                + " sgd, nesterov, adam, adamw or rmsprop, got \"adagrad\"");
    }

    @Test
    void nonPositiveLearningRateFromSet() throws IOException {
        assertInvalid(run("lockstep {}", "lockstep.optimizer.learning-rate=-0.1"),
                "--set: lockstep.optimizer.learning-rate: must be a finite number > 0, got -0.1");
    }

    @Test
    void momentumForAnOptimizerWithout() throws IOException {
        assertInvalid(run("lockstep.optimizer { name = sgd, momentum = 0.9 }"),
                conf() + ": lockstep.optimizer.momentum: sgd has no momentum term");
    }

    @Test
    void stepScheduleWithoutEpochs() throws IOException {
        assertInvalid(run("lockstep.optimizer.schedule = step"), conf() + ": lockstep.optimizer.decay-epochs: the step"
                + " schedule needs at least one epoch to decay at, got []");
    }

    @Test
    void decayEpochsOutOfOrder() throws IOException {
        assertInvalid(run("lockstep.optimizer { schedule = step, decay-epochs = [8, 4] }"),
                conf() + ": lockstep.optimizer.decay-epochs: must be positive and strictly increasing, got [8, 4]");
    }

    @Test
    void decayEpochsThatAreNotAList() throws IOException {
        assertInvalid(run("lockstep.optimizer { schedule = step, decay-epochs = eighty }"),
                conf() + ": lockstep.optimizer.decay-epochs: must be a list of integers such as [80, 120], got"
                        + " \"eighty\"");
    }

    @Test
    void decayEpochsWithAnotherSchedule() throws IOException {
        assertInvalid(run("lockstep.optimizer { schedule = cosine, decay-epochs = [5] }"),
                conf() + ": lockstep.optimizer.decay-epochs: only the step schedule decays at epochs"
                        + " (lockstep.optimizer.schedule is cosine)");
    }

    @Test
    void negativeClipThreshold() throws IOException {
        assertInvalid(run("lockstep.clip.global-norm = -1"),
                conf() + ": lockstep.clip.global-norm: must be a finite number >= 0 (0 = off), got -1.0");
    }

    @Test
    void unknownBatchNormMode() throws IOException {
        assertInvalid(run("lockstep.batch-norm.sync = global"),
                conf() + ": lockstep.batch-norm.sync: must be one of exact, stats or local, got \"global\"");
    }

    @Test
    void guardBackoffOutOfRange() throws IOException {
        assertInvalid(run("lockstep {}", "lockstep.guard.lr-backoff=2"),
                "--set: lockstep.guard.lr-backoff: must be in (0, 1], got 2.0");
    }

    @Test
    void unknownDataset() throws IOException {
        assertInvalid(run("lockstep.data.name = cifar100"),
                conf() + ": lockstep.data.name: must be one of fashion-mnist, mnist or cifar10, got \"cifar100\"");
    }

    @Test
    void unknownAugmentation() throws IOException {
        assertInvalid(run("lockstep.data.augmentation = flip"),
                conf() + ": lockstep.data.augmentation: must be one of none or crop-flip, got \"flip\"");
    }

    @Test
    void missingCifarSaysWhereItComesFrom() throws IOException {
        assertInvalid(run("lockstep { data.name = cifar10, model = resnet20-bn }"),
                dataDir.resolve("data_batch_1.bin") + ": file not found (cifar10 cannot be fetched: download the binary"
                        + " version (cifar-10-binary.tar.gz, 163 MB) from https://www.cs.toronto.edu/~kriz/cifar.html");
    }

    @Test
    void sparkMasterInSparkConf() throws IOException {
        assertInvalid(run("lockstep.spark.conf { spark.master = \"local[1]\" }"),
                conf() + ": lockstep.spark.conf: spark.master cannot be set here: use lockstep.spark.master");
    }

    @Test
    void hoconSyntaxErrorNamesTheFileAndLine() throws IOException {
        CliRun run = run("lockstep {\n  workers = 2\n");
        assertInvalid(run, conf() + ": 3:");
    }

    @Test
    void unresolvedSubstitution() throws IOException {
        assertInvalid(run("lockstep.workers = ${nowhere}"), conf() + ": 1: ", "${nowhere}");
    }

    @Test
    void missingConfigFile() {
        Path missing = tmp.resolve("nope.conf");
        assertInvalid(CliRun.of(List.of("train", missing.toString())), missing + ": config file not found");
    }

    @Test
    void unknownOption() throws IOException {
        writeConf("lockstep {}");
        CliRun run = CliRun.of(List.of("train", conf().toString(), "--sett", "lockstep.workers=2"));
        assertEquals(Main.INVALID, run.exitCode());
        assertEquals("lockstep: train: unknown option '--sett'", run.errLines().get(0));
        assertFalse(Files.exists(runDir));
    }

    @Test
    void missingDataWithoutFetch() throws IOException {
        assertInvalid(run("lockstep.data.fetch = false"),
                "train-images-idx3-ubyte.gz: file not found (lockstep.data.fetch is false");
    }

    @Test
    void corruptDataFileIsNamed() throws IOException {
        SyntheticImages.writeCorruptImages(dataDir, 64, 28, 1);
        assertInvalid(run("lockstep.data.fetch = false"), dataDir.resolve("train-images-idx3-ubyte.gz").toString(),
                "wrong magic number 0x00000801");
    }

    @Test
    void imagesTheModelCannotTake() throws IOException {
        SyntheticImages.write(dataDir, 64, 16, 16, 1);
        assertInvalid(run("lockstep { data.fetch = false, model = lenet5-bn }"),
                conf() + ": lockstep.model: lenet5-bn takes 1x28x28 images, but lockstep.data.dir (" + dataDir
                        + ") holds 1x16x16 images");
    }

    @Test
    void unknownModelSaysAFileWouldDo() throws IOException {
        assertInvalid(run("lockstep.model = lenet"), conf() + ": lockstep.model: must be one of lenet5-bn, mlp or"
                + " resnet20-bn, got \"lenet\" (or a DL4J network configuration file ending in .json)");
    }

    @Test
    void missingModelFile() throws IOException {
        SyntheticImages.write(dataDir, 64, 16, 28, 1);
        Path missing = tmp.resolve("nets/net.json");
        assertInvalid(run("lockstep { data.fetch = false, model = \"" + missing + "\" }"),
                conf() + ": lockstep.model: cannot read " + missing);
    }

    @Test
    void batchLargerThanTheTrainingSet() throws IOException {
        SyntheticImages.write(dataDir, 64, 16, 28, 1);
        assertInvalid(run("lockstep { data.fetch = false, train.batch-size = 128 }"),
                conf() + ": lockstep.train.batch-size: must be at most the 64 training images in " + dataDir
                        + ", got 128");
    }

    @Test
    void runDirectoryUnderAFile() throws IOException {
        Files.writeString(tmp.resolve("runs"), "a file, not a directory");
        assertInvalid(run("lockstep {}"), "--set: lockstep.run-dir: cannot create " + runDir + ": " + tmp.resolve("runs")
                + " is not a writable directory");
    }

    @Test
    void checkpointsToKeep() throws IOException {
        assertInvalid(run("lockstep.checkpoint.keep = 0"), conf() + ": lockstep.checkpoint.keep: must be >= 1, got 0");
    }

    @Test
    void resumeWithoutARun() throws IOException {
        writeConf("lockstep {}");
        assertInvalid(CliRun.of(List.of("train", conf().toString(), "--resume", "--set", "lockstep.run-dir=" + runDir)),
                "--set: lockstep.run-dir: " + runDir + " is not a directory: there is no run to resume there");
    }

    @Test
    void resumeWithoutCheckpoints() throws IOException {
        Files.createDirectories(runDir);
        writeConf("lockstep {}");
        CliRun run = CliRun.of(List.of("train", conf().toString(), "--resume", "--set", "lockstep.run-dir=" + runDir));
        assertEquals(Main.INVALID, run.exitCode());
        assertEquals(List.of("lockstep: " + conf() + ": lockstep.checkpoint.dir: no valid checkpoint in " + runDir
                + "/checkpoints to resume from"), run.errLines());
        try (var files = Files.list(runDir)) {
            assertEquals(0, files.count(), "nothing written to the run directory");
        }
    }

    /**
     * Runs {@code train} on a config file holding {@code hocon}, with the run directory and data directory in the
     * temporary directory, then {@code sets}.
     */
    private CliRun run(String hocon, String... sets) throws IOException {
        writeConf(hocon);
        List<String> args = new ArrayList<>(List.of("train", conf().toString(),
                "--set", "lockstep.run-dir=" + runDir, "--set", "lockstep.data.dir=" + dataDir));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        return CliRun.of(args);
    }

    private void writeConf(String hocon) throws IOException {
        Files.writeString(conf(), hocon);
    }

    private Path conf() {
        return tmp.resolve("job.conf");
    }

    /** Exit code 2, one line "lockstep: ..." on stderr holding every fragment, no stack trace, no run directory. */
    private void assertInvalid(CliRun run, Object... fragments) {
        assertEquals(Main.INVALID, run.exitCode(), () -> "exit code; stderr: " + run.err());
        List<String> lines = run.errLines();
        assertEquals(1, lines.size(), () -> "one line on stderr, got:\n" + run.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("lockstep: "), line);
        for (Object fragment : fragments) {
            assertTrue(line.contains(fragment.toString()), () -> "'" + line + "' should contain '" + fragment + "'");
        }
        assertFalse(line.contains("Exception") || line.contains("\tat "), line);
        assertFalse(Files.exists(runDir), "the run directory must not be created");
    }
}
