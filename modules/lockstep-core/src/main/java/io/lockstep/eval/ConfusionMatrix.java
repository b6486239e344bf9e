package io.lockstep.eval;

import java.io.Serializable;

/** Counts of (true class, predicted class); accuracy and per-class accuracy (recall) derive from it. */
public final class ConfusionMatrix implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        this.counts = new long[classes][classes];
    }

    public int classes() {
        return counts.length;
    }

    public void add(int actual, int predicted) {
        counts[actual][predicted]++;
    }

    /** Adds another matrix's counts into this one and returns this (for Spark's reduce). */
    public ConfusionMatrix merge(ConfusionMatrix other) {
        if (other.classes() != classes()) {
            throw new IllegalArgumentException("cannot merge " + other.classes() + " classes into " + classes());
        }
        for (int a = 0; a < classes(); a++) {
            for (int p = 0; p < classes(); p++) {
                counts[a][p] += other.counts[a][p];
            }
        }
        return this;
    }

    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    public long total() {
        long total = 0;
        for (long[] row : counts) {
            for (long c : row) {
                total += c;
            }
        }
        return total;
    }

    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < classes(); c++) {
            correct += counts[c][c];
        }
        long total = total();
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Fraction of each true class predicted correctly (NaN for a class with no examples). */
    public double[] perClassAccuracy() {
        double[] accuracy = new double[classes()];
        for (int c = 0; c < classes(); c++) {
            long row = 0;
            for (long n : counts[c]) {
                row += n;
            }
            accuracy[c] = row == 0 ? Double.NaN : (double) counts[c][c] / row;
        }
        return accuracy;
    }

    /** A copy of the counts, rows = true class, columns = predicted class. */
    public long[][] counts() {
        long[][] copy = new long[classes()][];
        for (int c = 0; c < classes(); c++) {
            copy[c] = counts[c].clone();
        }
        return copy;
    }
}
