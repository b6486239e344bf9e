package io.lockstep.dl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.step.ClippingConfig;
import io.lockstep.step.GuardConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The master's configuration: JSON and YAML round trips, defaults defined once, errors at build time. */
class LockstepTrainingMasterConfigTest {

    private static LockstepTrainingMaster everythingSet() {
        return new LockstepTrainingMaster.Builder(3, 96)
                .rngSeed(7)
                .batchNormSync("stats")
                .unbiasedRunningVariance(true)
                .gradientNormClipping(1.5)
                .gradientValueClipping(0.25)
                .adaptiveGradientClipping(0.01)
                .nonFiniteSteps(ClippingConfig.NonFinitePolicy.FAIL)
                .guard(new GuardConfig(5.0, 30, 0.25, 4))
                .threadsPerTask(2)
                .roundTimeout(Duration.ofSeconds(90))
                .runDirectory("runs/x")
                .checkpointDirectory("hdfs://namenode/checkpoints")
                .checkpointEverySteps(500)
                .checkpointsToKeep(2)
                .collectTrainingStats(true)
                .build();
    }

    @Test
    void everySettingSurvivesJson() {
        LockstepTrainingMaster master = everythingSet();
        assertEquals(master.toJson(), LockstepTrainingMaster.fromJson(master.toJson()).toJson());
    }

    @Test
    void everySettingSurvivesYaml() {
        LockstepTrainingMaster master = everythingSet();
        assertEquals(master.toYaml(), LockstepTrainingMaster.fromYaml(master.toYaml()).toYaml());
    }

    @Test
    void defaultsSurviveJsonAndAbsentSettingsTakeTheBuildersDefaults() {
        LockstepTrainingMaster defaults = new LockstepTrainingMaster.Builder(128).build();
        assertEquals(defaults.toJson(), LockstepTrainingMaster.fromJson(defaults.toJson()).toJson());
        assertEquals(defaults.toJson(), LockstepTrainingMaster.fromJson("{\"globalBatch\": 128}").toJson());
    }

    @Test
    void anUnknownSettingIsAnErrorNotIgnored() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LockstepTrainingMaster.fromJson("{\"globalBatch\": 64, \"averagingFrequency\": 5}"));
        assertTrue(error.getMessage().contains("averagingFrequency"), error.getMessage());
    }

    @Test
    void invalidSettingsFailAtBuildTime() {
        assertThrows(IllegalArgumentException.class, () -> new LockstepTrainingMaster.Builder(4, 2).build());
        assertThrows(IllegalArgumentException.class, () -> new LockstepTrainingMaster.Builder(2, 64)
                .gradientNormClipping(-1));
        assertThrows(IllegalArgumentException.class, () -> new LockstepTrainingMaster.Builder(2, 64)
                .batchNormSync("sometimes"));
    }

    @Test
    void workerHooksAreRefusedRatherThanIgnored() {
        LockstepTrainingMaster master = new LockstepTrainingMaster.Builder(2, 64).build();
        assertThrows(UnsupportedOperationException.class, () -> master.addHook(null));
    }
}
