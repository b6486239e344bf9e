package io.lockstep.nn;

import static io.lockstep.testing.Closeness.assertClose;
import static io.lockstep.testing.Closeness.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.runner.InProcessTrainer;
import io.lockstep.step.ClippingConfig;
import io.lockstep.testing.RandomBatches;
import io.lockstep.zoo.LeNet5;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class SyncBatchNormBehaviourTest {
    private static final int CHANNELS = 5;

    @Test
    void float32WithMean1e4AndStd0point1StaysWithin1eMinus3OfFloat64() throws Exception {
        Nd4j.getRandom().setSeed(5);
        long[] shape = {24, CHANNELS, 3, 3};
        INDArray x32 = Nd4j.randn(DataType.DOUBLE, shape).muli(0.1).addi(1e4).castTo(DataType.FLOAT);
        INDArray dy32 = Nd4j.randn(DataType.DOUBLE, shape).castTo(DataType.FLOAT);
        INDArray params = SyncBatchNormLayerTest.randomParams();
        int[] shards = {10, 14};

        List<SyncBatchNormLayerTest.WorkerResult> single = SyncBatchNormLayerTest.runShards(new int[] {24}, true,
                DataType.DOUBLE, params, x32.castTo(DataType.DOUBLE), dy32.castTo(DataType.DOUBLE));
        List<SyncBatchNormLayerTest.WorkerResult> float32 = SyncBatchNormLayerTest.runShards(shards, true,
                DataType.FLOAT, params, x32, dy32);

        INDArray out64 = SyncBatchNormLayerTest.concat(single, r -> r.out());
        INDArray dx64 = SyncBatchNormLayerTest.concat(single, r -> r.dx());
        assertClose(out64, SyncBatchNormLayerTest.concat(float32, r -> r.out()).castTo(DataType.DOUBLE), 1e-3, "output");
        assertClose(dx64, SyncBatchNormLayerTest.concat(float32, r -> r.dx()).castTo(DataType.DOUBLE), 1e-3, "input gradient");
    }

    @Test
    void theDefaultRunningVarianceUpdateUsesTheUnbiasedVarianceOfTheBatch() {
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 10, CHANNELS).muli(3);
        SyncBatchNormLayer layer = (SyncBatchNormLayer) BatchNormLayers.instantiate(
                BatchNormLayers.sync(CHANNELS, false, true), DataType.DOUBLE);
        INDArray params = SyncBatchNormLayerTest.randomParams();
        layer.setParams(params.dup());
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, noWs);
        layer.activate(true, noWs);
        layer.backpropGradient(Nd4j.randn(DataType.DOUBLE, 10, CHANNELS), noWs);

        INDArray running = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(CHANNELS);
        INDArray expected = running.sub(x.var(true, 0)).muli(1 - 0.9);
        INDArray actual = layer.getGradientsViewArray().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(3 * CHANNELS, 4 * CHANNELS));
        assertClose(expected, actual, 1e-12, "running variance update");
    }

    @Test
    void inferenceNormalizesWithTheRunningStatistics() {
        SyncBatchNormLayer layer = (SyncBatchNormLayer) BatchNormLayers.instantiate(
                BatchNormLayers.sync(CHANNELS, false, true), DataType.DOUBLE);
        INDArray params = SyncBatchNormLayerTest.randomParams();
        layer.setParams(params.dup());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 7, CHANNELS);
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, noWs);
        INDArray out = layer.activate(false, noWs);

        INDArray gamma = params.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, CHANNELS));
        INDArray beta = params.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.interval(CHANNELS, 2 * CHANNELS));
        INDArray mean = params.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * CHANNELS, 3 * CHANNELS));
        INDArray var = params.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.interval(3 * CHANNELS, 4 * CHANNELS));
        INDArray expected = x.subRowVector(mean).diviRowVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(var.add(1e-5)))
                .muliRowVector(gamma).addiRowVector(beta);
        assertClose(expected, out, 1e-12, "inference output");
    }

    @Test
    void configurationSurvivesAJsonRoundTrip() {
        MultiLayerConfiguration conf = LeNet5.configuration(1, DataType.FLOAT, new Adam(1e-3), 10);
        ((SyncBatchNormalization) conf.getConf(1).getLayer()).setUnbiasedRunningVariance(false);
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, restored);
        assertEquals(SyncBatchNormalization.class, restored.getConf(1).getLayer().getClass());
        assertEquals(false, ((SyncBatchNormalization) restored.getConf(1).getLayer()).isUnbiasedRunningVariance());
    }

    @Test
    void aTrainedNetworkSavesAndLoadsThroughModelSerializerAndPredictsTheSame(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(LeNet5.configuration(2, DataType.FLOAT, new Adam(1e-3), 10));
        net.init();
        List<DataSet> batches = RandomBatches.of(3, 3, DataType.FLOAT, new long[] {16, 784}, 10);
        try (InProcessTrainer trainer = new InProcessTrainer(net, 2, SyncMode.EXACT, ClippingConfig.NONE, null)) {
            batches.forEach(trainer::step);
        }
        Layer bn = net.getLayer(1);
        assertTrue(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).sumNumber().doubleValue() != 0,
                "training moved the running mean");

        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        assertEquals(net.params(), restored.params());
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        INDArray features = batches.get(0).getFeatures();
        assertEquals(0.0, relativeError(net.output(features, false), restored.output(features, false)));
    }
}
