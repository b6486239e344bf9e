package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.data.LabeledImages.FeatureShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

class LabeledImagesTest {
    /** 3 examples of 2 channels x 2 rows x 3 columns; example i's bytes are 12 * i + 0..11. */
    private static final int C = 2;
    private static final int H = 2;
    private static final int W = 3;
    private static final byte[] LABELS = {2, 0, 3};
    private static final LabeledImages IMAGES = LabeledImages.of(ramp(3 * C * H * W), LABELS, 4, C, H, W);

    private static byte[] ramp(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        return bytes;
    }

    /** The unsigned value at flat position {@code (i, c, y, x)} of the channel-major ramp. */
    private static int rampAt(int i, int c, int y, int x) {
        return (((i * C + c) * H + y) * W + x) * 7 & 0xff;
    }

    @Test
    void readsPixelsChannelMajor() {
        assertEquals(rampAt(2, 1, 0, 2), IMAGES.pixel(2, 1, 0, 2));
    }

    @Test
    void readsLabels() {
        assertEquals(List.of(2, 0, 3), List.of(IMAGES.label(0), IMAGES.label(1), IMAGES.label(2)));
    }

    @Test
    void copiesTheArraysItIsMadeOf() {
        byte[] pixels = new byte[C * H * W];
        LabeledImages images = LabeledImages.of(pixels, new byte[] {1}, 4, C, H, W);

        pixels[0] = 9;

        assertEquals(0, images.pixel(0, 0, 0, 0));
    }

    @Test
    void rejectsLabelOutsideClasses() {
        assertThrows(IllegalArgumentException.class, () -> LabeledImages.of(new byte[C * H * W], new byte[] {4}, 4, C, H, W));
    }

    @Test
    void rejectsPixelCountThatDoesNotMatchLabels() {
        assertThrows(IllegalArgumentException.class, () -> LabeledImages.of(new byte[C * H * W + 1], new byte[] {1}, 4, C, H, W));
    }

    @Test
    void flatFeaturesAreScaledPixelsInFloat() {
        DataSet batch = IMAGES.toDataSet(new int[] {2, 0}, FeatureShape.FLAT, DataType.FLOAT);

        assertArrayEquals(new long[] {2, C * H * W}, batch.getFeatures().shape());
        assertEquals(DataType.FLOAT, batch.getFeatures().dataType());
        assertEquals((float) (rampAt(2, 1, 1, 2) / 255.0), batch.getFeatures().getFloat(0, C * H * W - 1));
    }

    @Test
    void nchwFeaturesKeepChannelsRowsAndColumns() {
        DataSet batch = IMAGES.toDataSet(new int[] {1}, FeatureShape.NCHW, DataType.DOUBLE);

        assertArrayEquals(new long[] {1, C, H, W}, batch.getFeatures().shape());
        assertEquals(rampAt(1, 1, 0, 2) / 255.0, batch.getFeatures().getDouble(0, 1, 0, 2));
    }

    @Test
    void normalizesEachChannelWithItsOwnStatistics() {
        ChannelNormalization norm = new ChannelNormalization(new double[] {0.5, 0.25}, new double[] {0.2, 0.4});

        DataSet batch = IMAGES.toDataSet(new int[] {0}, FeatureShape.NCHW, DataType.DOUBLE, norm);

        assertEquals((rampAt(0, 0, 1, 1) / 255.0 - 0.5) / 0.2, batch.getFeatures().getDouble(0, 0, 1, 1));
        assertEquals((rampAt(0, 1, 1, 1) / 255.0 - 0.25) / 0.4, batch.getFeatures().getDouble(0, 1, 1, 1));
    }

    @Test
    void rejectsNormalizationWithOtherChannelCount() {
        ChannelNormalization gray = new ChannelNormalization(new double[] {0.5}, new double[] {0.2});

        assertThrows(IllegalArgumentException.class,
                () -> IMAGES.toDataSet(new int[] {0}, FeatureShape.FLAT, DataType.FLOAT, gray));
    }

    @Test
    void labelsAreOneHotInTheRequestedType() {
        DataSet batch = IMAGES.toDataSet(new int[] {2, 0, 1}, FeatureShape.FLAT, DataType.DOUBLE);

        assertEquals(DataType.DOUBLE, batch.getLabels().dataType());
        assertArrayEquals(new double[][] {{0, 0, 0, 1}, {0, 0, 1, 0}, {1, 0, 0, 0}}, batch.getLabels().toDoubleMatrix());
    }

    @Test
    void rejectsIntegerFeatureType() {
        assertThrows(IllegalArgumentException.class, () -> IMAGES.toDataSet(new int[] {0}, FeatureShape.FLAT, DataType.INT32));
    }

    @Test
    void subsetTakesExamplesInTheGivenOrder() {
        LabeledImages subset = IMAGES.subset(new int[] {2, 2, 0});

        assertEquals(List.of(3, 3, 2), List.of(subset.label(0), subset.label(1), subset.label(2)));
        assertArrayEquals(IMAGES.image(0), subset.image(2));
    }

    @Test
    void concatKeepsPartOrder() {
        LabeledImages joined = LabeledImages.concat(List.of(IMAGES.subset(new int[] {1, 2}), IMAGES.subset(new int[] {0})));

        assertEquals(IMAGES.subset(new int[] {1, 2, 0}), joined);
    }

    @Test
    void concatRejectsDifferentGeometry() {
        LabeledImages other = LabeledImages.of(new byte[C * W * H], new byte[] {0}, 4, C, W, H);

        assertThrows(IllegalArgumentException.class, () -> LabeledImages.concat(List.of(IMAGES, other)));
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(IMAGES);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(IMAGES, in.readObject());
        }
    }
}
