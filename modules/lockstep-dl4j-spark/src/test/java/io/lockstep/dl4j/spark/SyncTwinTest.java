package io.lockstep.dl4j.spark;

import static io.lockstep.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.nn.SyncBatchNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The training twin of a DL4J network: SyncBN in place of DL4J's batch norm, the same state, and back. */
class SyncTwinTest {

    private static MultiLayerNetwork trainedLookingLeNet() {
        MultiLayerNetwork user = new MultiLayerNetwork(Dl4jNetworks.dl4jLeNet(5));
        user.init();
        // Running statistics and Adam state that are not the initial ones.
        user.params().assign(Nd4j.rand(user.params().dataType(), user.params().shape()).subi(0.5));
        user.getUpdater(true).getStateViewArray().assign(Nd4j.rand(user.params().dataType(),
                user.getUpdater().getStateViewArray().shape()));
        user.setIterationCount(37);
        user.setEpochCount(3);
        return user;
    }

    @Test
    void theTwinHasSyncBatchNormAndTheSameStateWithTheVarianceStoredAsVariance() {
        MultiLayerNetwork user = trainedLookingLeNet();
        MultiLayerNetwork twin = (MultiLayerNetwork) SyncTwin.of(user, false);

        for (NeuralNetConfiguration layerConf : twin.getLayerWiseConfigurations().getConfs()) {
            assertFalse(layerConf.getLayer() instanceof BatchNormalization
                    && !(layerConf.getLayer() instanceof SyncBatchNormalization), "every batch norm is SyncBN");
        }
        assertTrue(Dl4jNetworks.usesOnlyDl4jBatchNorm(user.getLayerWiseConfigurations()), "the user's conf is untouched");
        double log10Std = user.getParam("1_log10stdev").getDouble(0);
        assertEquals(Math.pow(10, 2 * log10Std), twin.getParam("1_var").getDouble(0), 1e-15);
        assertClose(user.getParam("0_W"), twin.getParam("0_W"), 0, "0_W");
        assertClose(user.getUpdater().getStateViewArray(), twin.getUpdater().getStateViewArray(), 0, "updater state");
        assertEquals(37, twin.getIterationCount());
        assertEquals(3, twin.getEpochCount());
    }

    @Test
    void copyingBackRestoresTheUsersRepresentation() {
        MultiLayerNetwork user = trainedLookingLeNet();
        MultiLayerNetwork original = user.clone();
        MultiLayerNetwork twin = (MultiLayerNetwork) SyncTwin.of(user, false);
        user.params().assign(0);
        SyncTwin.copyBack(twin, user);
        assertClose(original.params(), user.params(), 1e-14, "parameters after the round trip");
    }

    @Test
    void theRunningVarianceConventionIsTheMastersChoice() {
        MultiLayerNetwork user = trainedLookingLeNet();
        MultiLayerNetwork unbiased = (MultiLayerNetwork) SyncTwin.of(user, true);
        MultiLayerNetwork biased = (MultiLayerNetwork) SyncTwin.of(user, false);
        assertTrue(((SyncBatchNormalization) unbiased.getLayerWiseConfigurations().getConf(1).getLayer())
                .isUnbiasedRunningVariance());
        assertFalse(((SyncBatchNormalization) biased.getLayerWiseConfigurations().getConf(1).getLayer())
                .isUnbiasedRunningVariance());
    }

    @Test
    void graphsConvertToo() {
        ComputationGraph user = new ComputationGraph(Dl4jNetworks.dl4jGraph(5, 8, 4));
        user.init();
        ComputationGraph twin = (ComputationGraph) SyncTwin.of(user, false);
        assertInstanceOf(SyncBatchNormalization.class, twin.getLayer("bn1").conf().getLayer());
        assertTrue(SyncTwin.hasDl4jBatchNorm(user));
        assertFalse(SyncTwin.hasDl4jBatchNorm(twin));
    }

    @Test
    void lockedGammaAndBetaAreRefusedWithTheLayersName() {
        MultiLayerConfiguration conf = Dl4jNetworks.dl4jLeNet(5);
        ((BatchNormalization) conf.getConf(1).getLayer()).setLockGammaBeta(true);
        MultiLayerNetwork user = new MultiLayerNetwork(conf);
        user.init();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SyncTwin.of(user, false));
        assertTrue(error.getMessage().contains("lockGammaBeta"), error.getMessage());
    }
}
