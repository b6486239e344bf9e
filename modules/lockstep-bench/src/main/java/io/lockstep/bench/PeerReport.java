package io.lockstep.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/** The table of {@link PeerBenchmark}'s results and the ratios issue 7 sets targets for. */
final class PeerReport {
    /** Lockstep W=2's time to the target accuracy at most this times ParameterAveragingTrainingMaster's. */
    static final double TIME_TO_TARGET_LIMIT = 0.5;
    /** Lockstep's training images/s at least this times PyTorch's. */
    static final double THROUGHPUT_LIMIT = 1.0;
    /** Lockstep W=2's step at most this times DL4J fit()'s. */
    static final double STEP_TIME_LIMIT = 1.10;

    private PeerReport() {
    }

    static void print(PrintStream out, PeerProtocol protocol, List<PeerResult> results) {
        String target = PeerBenchmark.percent(protocol.target());
        out.println();
        out.printf("%-40s %14s %9s %9s %9s %9s %9s %7s %7s%n", "contender", "time to " + target, "at step", "best acc",
                "images/s", "step ms", "train s", "steps", "others");
        for (PeerResult r : results) {
            if (!r.ok()) {
                out.printf("%-40s FAILED: %s%n", r.contender().label(), r.failure());
                continue;
            }
            OptionalDouble time = r.secondsToTarget(protocol.target());
            out.printf("%-40s %14s %9s %8.2f%% %9.0f %9.1f %9.1f %7d %6.1f%%%n", r.contender().label(),
                    time.isPresent() ? String.format("%.1f s", time.getAsDouble()) : "not reached",
                    time.isPresent() ? String.valueOf(r.stepsToTarget(protocol.target())) : "-",
                    100 * r.bestAccuracy(), r.imagesPerSecond(), r.meanStepMillis(), r.trainSeconds(), r.steps(),
                    100 * r.othersShare());
        }
        out.println("(time to " + target + ": training time at the first evaluation at or above it; images/s and step"
                + " ms: all training steps over all training time; others: other processes' share of the cores)");
        for (PeerResult r : results) {
            if (r.ok()) {
                out.println("  " + r.contender().label() + ": " + r.setup());
            }
        }

        Optional<PeerResult> fit = find(results, Contender.DL4J_FIT);
        Optional<PeerResult> w1 = find(results, Contender.LOCKSTEP_W1);
        Optional<PeerResult> w2 = find(results, Contender.LOCKSTEP_W2);
        Optional<PeerResult> paramAvg = find(results, Contender.PARAM_AVG);
        Optional<PeerResult> torch = find(results, Contender.PYTORCH);
        out.println();
        out.println("ratios (issue 7's targets):");
        if (w2.isPresent() && paramAvg.isPresent()) {
            verdict(out, "time to " + target + ": Lockstep W=2 / ParameterAveragingTrainingMaster",
                    Ratio.timeToTarget(w2.get(), paramAvg.get(), protocol.target()), "<= " + TIME_TO_TARGET_LIMIT,
                    r -> r.atMost(TIME_TO_TARGET_LIMIT));
        }
        for (Optional<PeerResult> lockstep : List.of(w1, w2)) {
            if (lockstep.isPresent() && torch.isPresent()) {
                verdict(out, "images/s: " + lockstep.get().contender().label() + " / PyTorch CPU",
                        throughput(lockstep.get(), torch.get()), ">= " + THROUGHPUT_LIMIT,
                        r -> r.atLeast(THROUGHPUT_LIMIT));
            }
        }
        if (w2.isPresent() && fit.isPresent()) {
            verdict(out, "step time: Lockstep W=2 / DL4J fit()", stepTime(w2.get(), fit.get()),
                    "<= " + STEP_TIME_LIMIT, r -> r.atMost(STEP_TIME_LIMIT));
        }
        out.println("for comparison:");
        for (Optional<PeerResult> other : List.of(fit, torch)) {
            if (w2.isPresent() && other.isPresent()) {
                out.printf("  %-66s %s%n", "time to " + target + ": Lockstep W=2 / " + other.get().contender().label(),
                        Ratio.timeToTarget(w2.get(), other.get(), protocol.target()));
            }
        }
        if (fit.isPresent() && torch.isPresent()) {
            out.printf("  %-66s %s%n", "images/s: DL4J fit() / PyTorch CPU", throughput(fit.get(), torch.get()));
        }
    }

    static Ratio throughput(PeerResult a, PeerResult b) {
        return a.ok() && b.ok() ? Ratio.of(a.imagesPerSecond(), b.imagesPerSecond()) : Ratio.NONE;
    }

    static Ratio stepTime(PeerResult a, PeerResult b) {
        return a.ok() && b.ok() ? Ratio.of(a.meanStepMillis(), b.meanStepMillis()) : Ratio.NONE;
    }

    private static void verdict(PrintStream out, String what, Ratio ratio, String limit,
                                Function<Ratio, Ratio.Verdict> verdict) {
        out.printf("  %-66s %-9s (target %s: %s)%n", what, ratio, limit, verdict.apply(ratio));
    }

    private static Optional<PeerResult> find(List<PeerResult> results, Contender contender) {
        return results.stream().filter(r -> r.contender() == contender).findFirst();
    }
}
