package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import io.lockstep.data.DatasetLayout;
import io.lockstep.nn.SyncMode;
import io.lockstep.step.ClippingConfig.NonFinitePolicy;
import io.lockstep.step.GuardConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, defaults and the HOCON round trip of {@link TrainConfig}. */
class TrainConfigTest {
    @TempDir
    Path tmp;

    /** Every setting away from its default, so that a setting dropped on the way out or in is noticed. */
    private static final TrainConfig EVERYTHING_SET = new TrainConfig("out/run-7",
            new TrainConfig.Spark("spark://master:7077", Map.of("spark.executor.memory", "4g", "spark.task.cpus", "2")),
            4, 3, Duration.ofSeconds(90), -7, Precision.DOUBLE, new TrainConfig.Train(256, 9, 1234),
            SyncMode.STATS, new TrainConfig.Clip(5, 0.5, 0.02, NonFinitePolicy.FAIL),
            new TrainConfig.Guard(4, 30, 0.25, 3),
            new TrainConfig.Optimizer(OptimizerName.NESTEROV, 0.05, TrainConfig.Schedule.STEP, 50, 0.8, 5e-4,
                    List.of(3L, 6L), 0.2, true),
            new TrainConfig.Data(DatasetLayout.CIFAR10, "hdfs://nn:8020/data/cifar", false,
                    TrainConfig.AugmentationName.CROP_FLIP), ModelSpec.zoo(ModelName.RESNET20_BN),
            new TrainConfig.Checkpoint("hdfs://nn:8020/checkpoints/run-7", 100, 5));

    @Test
    void roundTripOfTheDefaults() throws IOException {
        TrainConfig defaults = load("lockstep {}");
        assertEquals(defaults, reparse(defaults));
    }

    @Test
    void roundTripOfNonDefaults() {
        assertEquals(EVERYTHING_SET, reparse(EVERYTHING_SET));
    }

    @Test
    void everyDefaultIsReadAndEverySettingHasADefault() {
        assertEquals(ConfigLoader.referenceKeys(), ConfigLoader.leafKeys(EVERYTHING_SET.toConfig().root()));
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws IOException {
        TrainConfig defaults = load("lockstep {}");
        assertEquals("runs/job", defaults.runDir());
        assertEquals("local[*]", defaults.spark().master());
        assertEquals(Map.of(), defaults.spark().conf());
        assertEquals(2, defaults.workers());
        assertEquals(42, defaults.seed());
        assertEquals(Precision.FLOAT, defaults.dtype());
        assertEquals(new TrainConfig.Train(128, 5, 0), defaults.train());
        assertEquals(SyncMode.EXACT, defaults.batchNormSync());
        assertEquals(new TrainConfig.Clip(0, 0, 0, NonFinitePolicy.SKIP), defaults.clip());
        assertEquals(TrainConfig.Optimizer.of(OptimizerName.ADAM, 1e-3, null, 0), defaults.optimizer());
        assertEquals(new TrainConfig.Data(DatasetLayout.FASHION_MNIST, "data/fashion-mnist", true,
                TrainConfig.AugmentationName.NONE), defaults.data());
        assertEquals(ModelSpec.zoo(ModelName.LENET5_BN), defaults.model());
        assertEquals(new TrainConfig.Checkpoint("{run-dir}/checkpoints", 500, 3), defaults.checkpoint());
        assertEquals("runs/job-2/checkpoints", defaults.checkpoint().directory("runs/job-2"));
    }

    @Test
    void guardDefaultsAreTheJavaApiDefaults() throws IOException {
        assertEquals(GuardConfig.DEFAULT, load("lockstep {}").guard().toGuardConfig());
    }

    @Test
    void dataDirectoryFollowsTheDatasetName() throws IOException {
        assertEquals("data/mnist", load("lockstep.data.name = mnist").data().dir());
        assertEquals("data/mnist", ConfigLoader.defaultDataDir("mnist"));
    }

    @Test
    void laterLayersWin() throws IOException {
        TrainConfig config = load("lockstep { workers = 3, train.batch-size = 96 }", "lockstep.workers=4");
        assertEquals(4, config.workers());
        assertEquals(96, config.train().batchSize());
    }

    @Test
    void sparkSettingsNestedOrQuotedAreTheSame() throws IOException {
        TrainConfig nested = load("lockstep.spark.conf { spark.executor.memory = 4g }");
        TrainConfig quoted = load("lockstep.spark.conf { \"spark.executor.memory\" = 4g }");
        TrainConfig set = load("lockstep {}", "lockstep.spark.conf.spark.executor.memory=4g");
        assertEquals(Map.of("spark.executor.memory", "4g"), nested.spark().conf());
        assertEquals(nested.spark(), quoted.spark());
        assertEquals(nested.spark(), set.spark());
    }

    @Test
    void setValuesNeedNoQuoting() throws IOException {
        TrainConfig config = load("lockstep {}", "lockstep.spark.master=local[3]",
                "lockstep.data.dir=hdfs://nn:8020/data/x", "lockstep.run-dir=\"runs/with space\"",
                "lockstep.clip.global-norm=2.5", "lockstep.data.fetch=false", "lockstep.round-timeout=30s");
        assertEquals("local[3]", config.spark().master());
        assertEquals("hdfs://nn:8020/data/x", config.data().dir());
        assertEquals("runs/with space", config.runDir());
        assertEquals(2.5, config.clip().globalNorm());
        assertEquals(false, config.data().fetch());
        assertEquals(Duration.ofSeconds(30), config.roundTimeout());
    }

    @Test
    void setNullRestoresTheOptimizerDefault() throws IOException {
        assertNull(load("lockstep.optimizer.momentum = 0.5", "lockstep.optimizer.momentum=null").optimizer().momentum());
        assertEquals(ConfigValueType.NULL, ConfigLoader.parseSetValue("k", "null").valueType());
    }

    @Test
    void configNameInRunDirectory() throws IOException {
        assertEquals("elsewhere/job-a", load("lockstep.run-dir = \"elsewhere/{config}-a\"").runDir());
        assertEquals("mnist-mlp", ConfigLoader.configName(Path.of("examples/mnist-mlp.conf")));
    }

    @Test
    void fingerprintIgnoresWhereTheRunExecutes() throws IOException {
        TrainConfig base = load("lockstep {}");
        String fingerprint = base.fingerprint();
        assertEquals(64, fingerprint.length());
        assertEquals(fingerprint, load("lockstep {}", "lockstep.run-dir=elsewhere", "lockstep.spark.master=local[1]",
                "lockstep.data.dir=hdfs://nn/data", "lockstep.checkpoint.every-steps=7", "lockstep.round-timeout=1m",
                "lockstep.threads-per-task=1", "lockstep.data.fetch=false").fingerprint());
    }

    @Test
    void fingerprintFollowsWhatTrainingComputes() throws IOException {
        String fingerprint = load("lockstep {}").fingerprint();
        for (String set : List.of("lockstep.seed=43", "lockstep.workers=4", "lockstep.train.max-steps=10",
                "lockstep.optimizer.learning-rate=0.01", "lockstep.batch-norm.sync=local", "lockstep.dtype=double")) {
            assertNotEquals(fingerprint, load("lockstep {}", set).fingerprint(), set);
        }
    }

    @Test
    void constructorChecksRanges() {
        ConfigError error = assertThrows(ConfigError.class, () -> EVERYTHING_SET.withRunDir(" "));
        assertEquals(TrainConfig.RUN_DIR, error.key());
        assertEquals("lockstep.run-dir: must not be empty", error.getMessage());
    }

    @Test
    void hoconOfARunIsReadableAsAConfigFile() throws IOException {
        Path file = tmp.resolve("config.conf");
        Files.writeString(file, EVERYTHING_SET.toHocon());
        assertEquals(EVERYTHING_SET, ConfigLoader.load(file, List.of()).config());
        assertTrue(EVERYTHING_SET.toHocon().contains("momentum=0.8"), EVERYTHING_SET.toHocon());
    }

    @Test
    void examplesAreValid() {
        Path examples = Path.of("../../examples");
        TrainConfig lenet = ConfigLoader.load(examples.resolve("fashion-mnist-lenet.conf"), List.of()).config();
        assertEquals("runs/fashion-mnist-lenet", lenet.runDir());
        assertEquals(ModelSpec.zoo(ModelName.LENET5_BN), lenet.model());
        assertEquals(TrainConfig.Schedule.COSINE, lenet.optimizer().schedule());
        TrainConfig mlp = ConfigLoader.load(examples.resolve("mnist-mlp.conf"), List.of()).config();
        assertEquals(ModelSpec.zoo(ModelName.MLP), mlp.model());
        assertEquals(DatasetLayout.MNIST, mlp.data().name());
        assertEquals("data/mnist", mlp.data().dir());
    }

    private static TrainConfig reparse(TrainConfig config) {
        return TrainConfig.from(ConfigFactory.parseString(config.toHocon()).resolve());
    }

    private TrainConfig load(String hocon, String... sets) throws IOException {
        Path file = tmp.resolve("job.conf");
        Files.writeString(file, hocon);
        return ConfigLoader.load(file, List.of(sets)).config();
    }
}
