package io.lockstep.cli;

import io.lockstep.spark.train.StepListener;
import io.lockstep.step.StepOutcome;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows training progress: step / total, epoch, loss, images per second and the time left.
 *
 * <p>On a terminal it is one line redrawn in place with a carriage return, with a bar. Anywhere else (a log file,
 * a pipe, a cluster's driver log) it is a plain line for the first step, then every {@value #LOG_INTERVAL_SECONDS}
 * seconds, and for the last step.
 */
final class Progress implements StepListener {
    static final int LOG_INTERVAL_SECONDS = 10;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final long firstStep;
    private final long totalSteps;
    private final int epochs;
    private final LongSupplier nanoClock;
    private final long started;
    private long stepsSeen;
    private long examples;
    private long lastPrinted = Long.MIN_VALUE;
    private int lastWidth;

    /**
     * @param terminal   redraw one line (true) or print log lines (false)
     * @param firstStep  the step training starts at (0, or where a resumed run continues)
     * @param totalSteps the steps the run will have taken at the end
     * @param nanoClock  {@link System#nanoTime} but in tests
     */
    Progress(PrintStream out, boolean terminal, long firstStep, long totalSteps, int epochs, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.firstStep = firstStep;
        this.totalSteps = totalSteps;
        this.epochs = epochs;
        this.nanoClock = nanoClock;
        this.started = nanoClock.getAsLong();
    }

    @Override
    public void onStep(StepOutcome outcome, int epoch, double stepMillis, double driverMillis) {
        stepsSeen++;
        examples += outcome.examples();
        long now = nanoClock.getAsLong();
        boolean last = done() >= totalSteps;
        String status = status(outcome, epoch, now);
        if (terminal) {
            String line = bar() + " " + status;
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            if (last) {
                out.println();
            }
            out.flush();
        } else if (stepsSeen == 1 || last || now - lastPrinted >= LOG_INTERVAL_SECONDS * 1_000_000_000L) {
            out.println("lockstep: " + status);
            lastPrinted = now;
        }
    }

    /** Ends the redrawn line if training stopped before the last planned step. */
    void finish() {
        if (terminal && stepsSeen > 0 && done() < totalSteps) {
            out.println();
        }
    }

    private String status(StepOutcome outcome, int epoch, long now) {
        double seconds = (now - started) / 1e9;
        double rate = seconds > 0 ? examples / seconds : 0;
        double remaining = stepsSeen > 0 ? seconds / stepsSeen * Math.max(0, totalSteps - done()) : 0;
        return String.format(Locale.ROOT, "step %d/%d  epoch %d/%d  loss %s  %.0f img/s  ETA %s",
                done(), totalSteps, epoch + 1, epochs,
                switch (outcome.intervention()) {
                    case NONE -> String.format(Locale.ROOT, "%.4f", outcome.loss());
                    case SKIPPED_NON_FINITE -> "non-finite (step skipped)";
                    case ROLLED_BACK_SPIKE -> String.format(Locale.ROOT, "%.4f (spike: rolled back)", outcome.loss());
                },
                rate, duration(remaining));
    }

    /** Steps done in the whole run, before a resume included. */
    private long done() {
        return firstStep + stepsSeen;
    }

    private String bar() {
        int filled = totalSteps == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * Math.min(done(), totalSteps) / totalSteps);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    /** 42s, 3m05s, 1h02m. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
