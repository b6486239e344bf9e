package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LeastSquaresTest {

    @Test
    void exactDataGiveTheirCoefficients() {
        // y = 2 + 3 x1 - x2
        double[][] x = {{1, 0, 0}, {1, 1, 0}, {1, 0, 1}, {1, 2, 5}, {1, 4, 1}};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 2 + 3 * x[i][1] - x[i][2];
        }
        assertArrayEquals(new double[] {2, 3, -1}, LeastSquares.fit(x, y), 1e-12);
    }

    @Test
    void regressorsOfVeryDifferentSizesStillFit() {
        // the driver-step fit: ms = 1 + 3e-6 * (W P) + 2e-5 * P, with W P up to 6.4e7
        double[][] x = new double[8][];
        double[] y = new double[8];
        long[] p = {62_384, 271_098, 1_000_000, 4_000_000};
        for (int i = 0; i < 8; i++) {
            double w = i % 2 == 0 ? 1 : 16;
            x[i] = new double[] {1, w * p[i / 2], p[i / 2]};
            y[i] = 1 + 3e-6 * x[i][1] + 2e-5 * x[i][2];
        }
        double[] c = LeastSquares.fit(x, y);
        assertEquals(1, c[0], 1e-9);
        assertEquals(3e-6, c[1], 1e-15);
        assertEquals(2e-5, c[2], 1e-14);
    }

    @Test
    void noisyDataGiveTheLeastSquaresLine() {
        // points (0, 0), (1, 1), (2, 1): slope 1/2, intercept 1/6
        double[] c = LeastSquares.fit(new double[][] {{1, 0}, {1, 1}, {1, 2}}, new double[] {0, 1, 1});
        assertArrayEquals(new double[] {1.0 / 6, 0.5}, c, 1e-12);
    }

    @Test
    void aCostFitRecoversExactCosts() {
        // ms = 2 + 3 n
        double[] c = LeastSquares.costFit(new double[][] {{1, 1}, {1, 10}, {1, 100}}, new double[] {5, 32, 302});
        assertArrayEquals(new double[] {2, 3}, c, 1e-9);
    }

    @Test
    void aCostFitDropsANegativeCoefficientAndWeighsRelativeErrors() {
        // y = -1 + 2 n exactly: ordinary least squares gives the intercept -1; without it, the relative errors
        // (1 - c n / y) are smallest at c = sum(n / y) / sum((n / y)^2), with n / y = 1, 2/3, 3/5
        double[][] x = {{1, 1}, {1, 2}, {1, 3}};
        double[] y = {1, 3, 5};
        assertArrayEquals(new double[] {-1, 2}, LeastSquares.fit(x, y), 1e-9);
        double sum = 1 + 2.0 / 3 + 3.0 / 5;
        double squares = 1 + 4.0 / 9 + 9.0 / 25;
        assertArrayEquals(new double[] {0, sum / squares}, LeastSquares.costFit(x, y), 1e-12);
    }

    @Test
    void unusableRegressorsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> LeastSquares.fit(new double[][] {{1, 2}, {1, 2}, {1, 2}}, new double[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> LeastSquares.fit(new double[][] {{1, 2}}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> LeastSquares.fit(new double[][] {{1, 0}, {1, 0}}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> LeastSquares.costFit(new double[][] {{1, 1}, {1, 2}}, new double[] {1, 0}));
    }
}
