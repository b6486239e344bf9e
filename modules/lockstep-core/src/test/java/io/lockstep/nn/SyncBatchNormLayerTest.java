package io.lockstep.nn;

import static io.lockstep.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.collective.InProcessCollectiveGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Exact SyncBN against DL4J's own BatchNormalization on the concatenated batch, in double precision: W workers
 * with uneven shards (one empty where W > 2) give the same output, input gradient, gamma/beta gradients and
 * running-statistic updates as one layer on the whole batch.
 */
class SyncBatchNormLayerTest {
    private static final double TOLERANCE = 1e-9;
    private static final int CHANNELS = 5;

    static Stream<Arguments> shardings() {
        return Stream.of(
                Arguments.of(new int[] {16}, false), Arguments.of(new int[] {16}, true),
                Arguments.of(new int[] {11, 5}, false), Arguments.of(new int[] {11, 5}, true),
                Arguments.of(new int[] {7, 0, 9}, false), Arguments.of(new int[] {7, 0, 9}, true),
                Arguments.of(new int[] {5, 0, 3, 8}, false), Arguments.of(new int[] {5, 0, 3, 8}, true));
    }

    @ParameterizedTest(name = "shards {0}, conv {1}")
    @MethodSource("shardings")
    void exactModeMatchesDl4jBatchNormOnTheWholeBatch(int[] shards, boolean conv) throws Exception {
        int total = java.util.Arrays.stream(shards).sum();
        Nd4j.getRandom().setSeed(42 + shards.length);
        long[] shape = conv ? new long[] {total, CHANNELS, 3, 4} : new long[] {total, CHANNELS};
        INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(2).addi(3);
        INDArray dy = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray params = randomParams();

        Layer reference = BatchNormLayers.instantiate(BatchNormLayers.dl4j(CHANNELS, conv), DataType.DOUBLE);
        reference.setParams(params.dup());
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        reference.setInput(x, noWs);
        INDArray expectedOut = reference.activate(true, noWs);
        Pair<Gradient, INDArray> expectedBackward = reference.backpropGradient(dy, noWs);

        List<WorkerResult> results = runShards(shards, conv, DataType.DOUBLE, params, x, dy);

        assertClose(expectedOut, concat(results, r -> r.out), TOLERANCE, "output");
        assertClose(expectedBackward.getSecond(), concat(results, r -> r.dx), TOLERANCE, "input gradient");
        INDArray summedParamGradient = Nd4j.zeros(DataType.DOUBLE, 1, 4 * CHANNELS);
        for (WorkerResult r : results) {
            summedParamGradient.addi(withRunningStatsZeroed(r.paramGradient));
        }
        INDArray expectedGradient = reference.getGradientsViewArray();
        assertClose(slice(expectedGradient, 0), slice(summedParamGradient, 0), TOLERANCE, "gamma gradient");
        assertClose(slice(expectedGradient, 1), slice(summedParamGradient, 1), TOLERANCE, "beta gradient");
        WorkerResult first = results.stream().filter(r -> r.out != null).findFirst().orElseThrow();
        assertClose(slice(expectedGradient, 2), slice(first.paramGradient, 2), TOLERANCE, "running mean update");
        assertClose(slice(expectedGradient, 3), slice(first.paramGradient, 3), TOLERANCE, "running variance update");
    }

    private static INDArray withRunningStatsZeroed(INDArray gradient) {
        INDArray copy = gradient.dup();
        copy.get(NDArrayIndex.point(0), NDArrayIndex.interval(2 * CHANNELS, 4 * CHANNELS)).assign(0);
        return copy;
    }

    private static INDArray slice(INDArray flat, int block) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(block * CHANNELS, (block + 1) * CHANNELS));
    }

    static INDArray randomParams() {
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, 1, CHANNELS).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.DOUBLE, 1, CHANNELS);
        INDArray runningMean = Nd4j.randn(DataType.DOUBLE, 1, CHANNELS);
        INDArray runningVar = Nd4j.rand(DataType.DOUBLE, 1, CHANNELS).addi(0.5);
        return Nd4j.hstack(gamma, beta, runningMean, runningVar);
    }

    record WorkerResult(INDArray out, INDArray dx, INDArray paramGradient) {
    }

    static List<WorkerResult> runShards(int[] shards, boolean conv, DataType dataType, INDArray params, INDArray x,
                                        INDArray dy) throws Exception {
        InProcessCollectiveGroup group = new InProcessCollectiveGroup(shards.length, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(shards.length);
        try {
            List<Future<WorkerResult>> futures = new ArrayList<>();
            int start = 0;
            for (int rank = 0; rank < shards.length; rank++) {
                int from = start;
                int to = start + shards[rank];
                int workerRank = rank;
                futures.add(pool.submit(() -> runWorker(group, workerRank, conv, dataType, params, rows(x, from, to),
                        rows(dy, from, to))));
                start = to;
            }
            List<WorkerResult> results = new ArrayList<>();
            for (Future<WorkerResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static WorkerResult runWorker(InProcessCollectiveGroup group, int rank, boolean conv, DataType dataType,
                                          INDArray params, INDArray x, INDArray dy) {
        SyncBatchNormLayer layer = (SyncBatchNormLayer) BatchNormLayers.instantiate(
                BatchNormLayers.sync(CHANNELS, conv, false), dataType);
        layer.setParams(params.castTo(dataType));
        CollectiveBatchNormSync sync = new CollectiveBatchNormSync(SyncMode.EXACT, group.member(rank));
        sync.beginStep(0);
        layer.attach(sync);
        if (x == null) {
            sync.participateWithoutData(List.of(layer));
            return new WorkerResult(null, null, Nd4j.zeros(dataType, 1, 4 * CHANNELS));
        }
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, noWs);
        INDArray out = layer.activate(true, noWs);
        INDArray dx = layer.backpropGradient(dy, noWs).getSecond();
        return new WorkerResult(out, dx, layer.getGradientsViewArray().dup());
    }

    private static INDArray rows(INDArray array, int from, int to) {
        if (from == to) {
            return null;
        }
        return array.get(NDArrayIndex.interval(from, to)).dup();
    }

    static INDArray concat(List<WorkerResult> results, java.util.function.Function<WorkerResult, INDArray> part) {
        INDArray[] parts = results.stream().map(part).filter(java.util.Objects::nonNull).toArray(INDArray[]::new);
        return Nd4j.concat(0, parts);
    }
}
