package io.lockstep.zoo;

import static io.lockstep.zoo.ZooAssertions.runningStatistics;
import static io.lockstep.zoo.ZooAssertions.trainableParameters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.nn.SyncBatchNormalization;
import io.lockstep.zoo.ResNet20.Shortcut;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

class ResNet20Test {

    private static ComputationGraph network(Shortcut shortcut) {
        ComputationGraph graph = new ComputationGraph(
                ResNet20.configuration(1, DataType.FLOAT, new Adam(1e-3), 10, shortcut));
        graph.init();
        return graph;
    }

    @Test
    void hasThePapersParameterCountWithZeroPaddingShortcuts() {
        ComputationGraph graph = network(Shortcut.ZERO_PADDING);
        long trainable = trainableParameters(graph);
        System.out.println("ResNet-20 (zero-padding shortcuts): " + trainable + " trainable parameters, "
                + runningStatistics(graph) + " running statistics");

        // He et al. 2016, table 6: 0.27M. Stem, 6 convs of stage 1, stages 2 and 3 (first conv from fewer channels)
        long convs = 3 * 16 * 9 + 6 * 16 * 16 * 9 + (16 * 32 + 5 * 32 * 32) * 9 + (32 * 64 + 5 * 64 * 64) * 9;
        long batchNorms = 2 * (7 * 16 + 6 * 32 + 6 * 64);
        long output = 64 * 10 + 10;
        assertEquals(convs + batchNorms + output, trainable);
        assertEquals(269_722, trainable);
    }

    @Test
    void projectionShortcutsAddTwoConvolutionsAndTheirBatchNorms() {
        ComputationGraph graph = network(Shortcut.PROJECTION);
        long trainable = trainableParameters(graph);
        System.out.println("ResNet-20 (projection shortcuts): " + trainable + " trainable parameters, "
                + runningStatistics(graph) + " running statistics");

        assertEquals(269_722 + (16 * 32 + 32 * 64) + 2 * (32 + 64), trainable);
    }

    @Test
    void countsTheRunningStatisticsApart() {
        // 19 SyncBN layers (stem + 2 per block), mean and variance per channel
        assertEquals(2 * (7 * 16 + 6 * 32 + 6 * 64), runningStatistics(network(Shortcut.ZERO_PADDING)));
    }

    @Test
    void classifiesCifarShapedInputIntoTenClasses() {
        ComputationGraph graph = network(Shortcut.ZERO_PADDING);

        INDArray output = graph.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 3, 32, 32));

        assertArrayEquals(new long[] {3, 10}, output.shape());
        assertArrayEquals(new double[] {1, 1, 1}, output.sum(1).toDoubleVector(), 1e-5);
    }

    @Test
    void halvesTheResolutionAtStagesTwoAndThree() {
        Map<String, INDArray> activations = network(Shortcut.PROJECTION)
                .feedForward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), false);

        assertArrayEquals(new long[] {2, 16, 32, 32}, activations.get("s1b3_relu").shape());
        assertArrayEquals(new long[] {2, 32, 16, 16}, activations.get("s2b3_relu").shape());
        assertArrayEquals(new long[] {2, 64, 8, 8}, activations.get("s3b3_relu").shape());
    }

    @Test
    void zeroPaddingShortcutSubsamplesAndAppendsZeroChannels() {
        Map<String, INDArray> activations = network(Shortcut.ZERO_PADDING)
                .feedForward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), false);
        INDArray input = activations.get("s1b3_relu");   // [2, 16, 32, 32]
        INDArray shortcut = activations.get("s2b1_pad"); // [2, 32, 16, 16]

        INDArray evenPixels = input.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(0, 2, 32), NDArrayIndex.interval(0, 2, 32));
        assertEquals(evenPixels, shortcut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 16),
                NDArrayIndex.all(), NDArrayIndex.all()));
        assertEquals(0.0, shortcut.get(NDArrayIndex.all(), NDArrayIndex.interval(16, 32),
                NDArrayIndex.all(), NDArrayIndex.all()).amaxNumber().doubleValue());
    }

    @Test
    void followsEveryConvolutionWithSyncBatchNormAndHasNoConvolutionBias() {
        ComputationGraphConfiguration conf = ResNet20.configuration(1, DataType.FLOAT, new Adam(1e-3), 10,
                Shortcut.PROJECTION);
        int convolutions = 0;
        for (Map.Entry<String, org.deeplearning4j.nn.conf.graph.GraphVertex> vertex : conf.getVertices().entrySet()) {
            if (vertex.getValue() instanceof LayerVertex layer
                    && layer.getLayerConf().getLayer() instanceof ConvolutionLayer conv) {
                convolutions++;
                assertEquals(false, conv.hasBias(), vertex.getKey());
                String consumer = conf.getVertexInputs().entrySet().stream()
                        .filter(e -> e.getValue().contains(vertex.getKey()))
                        .map(Map.Entry::getKey).findFirst().orElseThrow();
                assertEquals(SyncBatchNormalization.class, ((LayerVertex) conf.getVertices().get(consumer))
                        .getLayerConf().getLayer().getClass(), vertex.getKey() + " feeds " + consumer);
            }
        }
        assertEquals(19 + 2, convolutions);
    }

    @Test
    void survivesJsonRoundTrip() {
        for (Shortcut shortcut : Shortcut.values()) {
            ComputationGraphConfiguration conf = ResNet20.configuration(5, DataType.DOUBLE, new Adam(2e-3), 100,
                    shortcut);

            ComputationGraphConfiguration copy = ComputationGraphConfiguration.fromJson(conf.toJson());

            assertEquals(conf, copy, shortcut.name());
            assertEquals(conf.toJson(), copy.toJson(), shortcut.name());
        }
    }

    @Test
    void rejectsFewerThanTwoClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResNet20.configuration(1, DataType.FLOAT, new Adam(1e-3), 1));
        assertEquals("classes must be at least 2, got 1", e.getMessage());
    }
}
