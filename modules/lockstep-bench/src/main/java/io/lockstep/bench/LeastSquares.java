package io.lockstep.bench;

import java.util.Arrays;
import java.util.stream.IntStream;

/** Least squares for the few-regressor fits of {@link ScalingPoints}: the normal equations, solved exactly. */
final class LeastSquares {
    private LeastSquares() {
    }

    /**
     * The coefficients c minimizing sum_i (y_i - sum_j c_j x_ij)^2.
     *
     * @param x one row per observation, one column per regressor (a column of ones gives an intercept)
     */
    static double[] fit(double[][] x, double[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException(x.length + " rows of regressors for " + y.length + " observations");
        }
        int k = x[0].length;
        if (x.length < k) {
            throw new IllegalArgumentException(k + " coefficients need at least as many observations, got " + x.length);
        }
        // Regressors of very different sizes (1 and W * P ~ 1e8) would square into an ill-conditioned X'X:
        // solve for c_j * scale_j with every column scaled to a largest magnitude of 1.
        double[] scale = new double[k];
        for (double[] row : x) {
            for (int j = 0; j < k; j++) {
                scale[j] = Math.max(scale[j], Math.abs(row[j]));
            }
        }
        // [X'X | X'y] of the scaled columns, k x (k + 1)
        double[][] a = new double[k][k + 1];
        for (int i = 0; i < x.length; i++) {
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    a[r][c] += x[i][r] / scale[r] * x[i][c] / scale[c];
                }
                a[r][k] += x[i][r] / scale[r] * y[i];
            }
        }
        double[] scaled = solve(a);
        for (int j = 0; j < k; j++) {
            scaled[j] /= scale[j];
        }
        return scaled;
    }

    /**
     * The fit of a cost model: coefficients that are all &gt;= 0 (a cost is never negative) and minimize the sum of
     * squared <em>relative</em> errors sum_i ((y_i - sum_j c_j x_ij) / y_i)^2, so that timings spanning orders of
     * magnitude weigh alike. A regressor whose coefficient comes out negative is dropped (its coefficient set to 0)
     * and the rest refitted, the most negative first, until none is.
     *
     * @param y positive observations
     */
    static double[] costFit(double[][] x, double[] y) {
        int k = x[0].length;
        boolean[] kept = new boolean[k];
        Arrays.fill(kept, true);
        while (true) {
            int[] columns = IntStream.range(0, k).filter(j -> kept[j]).toArray();
            double[][] relative = new double[x.length][columns.length];
            double[] ones = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (!(y[i] > 0)) {
                    throw new IllegalArgumentException("observation " + i + " is not positive: " + y[i]);
                }
                for (int j = 0; j < columns.length; j++) {
                    relative[i][j] = x[i][columns[j]] / y[i];
                }
                ones[i] = 1;
            }
            double[] fitted = fit(relative, ones);
            int worst = -1;
            for (int j = 0; j < columns.length; j++) {
                if (fitted[j] < 0 && (worst < 0 || fitted[j] < fitted[worst])) {
                    worst = j;
                }
            }
            if (worst < 0) {
                double[] coefficients = new double[k];
                for (int j = 0; j < columns.length; j++) {
                    coefficients[columns[j]] = fitted[j];
                }
                return coefficients;
            }
            kept[columns[worst]] = false;
        }
    }

    /** Gauss-Jordan elimination with partial pivoting of an augmented k x (k + 1) system. */
    private static double[] solve(double[][] a) {
        double size = 0;
        for (int r = 0; r < a.length; r++) {
            size = Math.max(size, a[r][r]);
        }
        int k = a.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (!(Math.abs(a[pivot][col]) > 1e-12 * size)) {
                throw new IllegalArgumentException("the regressors are linearly dependent (column " + col + ")");
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double factor = a[r][col] / a[col][col];
                    for (int c = col; c <= k; c++) {
                        a[r][c] -= factor * a[col][c];
                    }
                }
            }
        }
        double[] coefficients = new double[k];
        for (int r = 0; r < k; r++) {
            coefficients[r] = a[r][k] / a[r][r];
        }
        return coefficients;
    }
}
