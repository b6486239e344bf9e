package io.lockstep.bench;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What one contender did under the {@link PeerProtocol}: its evaluations, and how many steps and images it trained
 * in how much training time (evaluations excluded), or why it could not run.
 *
 * @param setup       how it ran (threads, workers, versions), for the report
 * @param othersShare other processes' share of the cores meanwhile ({@link CpuMeter}), NaN where unknown
 * @param failure     why it did not run or finish, or null
 */
record PeerResult(Contender contender, List<AccuracyPoint> evaluations, long steps, long images, double trainSeconds,
                  String setup, double othersShare, String failure) {

    PeerResult {
        evaluations = List.copyOf(evaluations);
    }

    static PeerResult failed(Contender contender, String failure) {
        return new PeerResult(contender, List.of(), 0, 0, 0, "", Double.NaN, failure);
    }

    PeerResult withOthersShare(double share) {
        return new PeerResult(contender, evaluations, steps, images, trainSeconds, setup, share, failure);
    }

    boolean ok() {
        return failure == null;
    }

    /** Training time up to the first evaluation at or above {@code target}; empty when none reached it. */
    OptionalDouble secondsToTarget(double target) {
        return evaluations.stream().filter(p -> p.accuracy() >= target).mapToDouble(AccuracyPoint::trainSeconds)
                .findFirst();
    }

    /** Steps up to the first evaluation at or above {@code target}, or -1. */
    long stepsToTarget(double target) {
        return evaluations.stream().filter(p -> p.accuracy() >= target).mapToLong(AccuracyPoint::steps).findFirst()
                .orElse(-1);
    }

    double imagesPerSecond() {
        return trainSeconds > 0 ? images / trainSeconds : Double.NaN;
    }

    /** Mean time of a step: training time over steps. */
    double meanStepMillis() {
        return steps > 0 ? 1000 * trainSeconds / steps : Double.NaN;
    }

    double bestAccuracy() {
        return evaluations.stream().mapToDouble(AccuracyPoint::accuracy).max().orElse(Double.NaN);
    }
}
