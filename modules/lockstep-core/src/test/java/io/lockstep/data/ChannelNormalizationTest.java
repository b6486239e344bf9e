package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChannelNormalizationTest {
    @Test
    void measuresPopulationMeanAndStdPerChannel() {
        // Two 2-channel 1x2 images: channel 0 holds 0, 255, 0, 255 (mean 0.5, std 0.5);
        // channel 1 holds 51, 102, 51, 102 (mean 0.3, std 0.1).
        byte[] pixels = {0, (byte) 255, 51, 102, 0, (byte) 255, 51, 102};
        LabeledImages images = LabeledImages.of(pixels, new byte[] {0, 1}, 2, 2, 1, 2);

        ChannelNormalization measured = ChannelNormalization.measure(images);

        double[] actual = {measured.mean(0), measured.std(0), measured.mean(1), measured.std(1)};
        double[] expected = {0.5, 0.5, 0.3, 0.1};
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-15);
        }
    }

    @Test
    void rejectsZeroStd() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelNormalization(new double[] {0.5}, new double[] {0}));
    }

    @Test
    void rejectsChannelCountMismatch() {
        assertThrows(IllegalArgumentException.class,
                () -> new ChannelNormalization(new double[] {0.5, 0.5}, new double[] {0.2}));
    }
}
