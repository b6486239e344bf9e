package io.lockstep.bench;

/**
 * The protocol every contender of {@link PeerBenchmark} trains under: global batches of {@code globalBatch} images,
 * {@code stepsPerEpoch} of them per epoch, the full test set evaluated after every {@code evalEvery} steps and after
 * the last step, training stopped at the first evaluation that reaches {@code target} or after {@code maxEpochs}
 * epochs.
 */
record PeerProtocol(double target, int evalEvery, int maxEpochs, int stepsPerEpoch, int globalBatch) {

    PeerProtocol {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("the target accuracy must be in (0, 1], got " + target);
        }
        if (evalEvery < 1 || maxEpochs < 1 || stepsPerEpoch < 1 || globalBatch < 1) {
            throw new IllegalArgumentException("eval interval, epochs, steps per epoch and batch must be >= 1");
        }
    }

    /** The cap: steps of {@code maxEpochs} epochs. */
    long totalSteps() {
        return (long) maxEpochs * stepsPerEpoch;
    }

    /** Whether the test set is evaluated once {@code stepsDone} steps have been trained. */
    boolean evaluatesAfter(long stepsDone) {
        return stepsDone > 0 && (stepsDone % evalEvery == 0 || stepsDone == totalSteps());
    }

    /** The step count of the first evaluation after {@code stepsDone} steps (for trainers that run in chunks). */
    long nextEvaluation(long stepsDone) {
        return Math.min((stepsDone / evalEvery + 1) * evalEvery, totalSteps());
    }

    long images(long steps) {
        return steps * globalBatch;
    }
}
