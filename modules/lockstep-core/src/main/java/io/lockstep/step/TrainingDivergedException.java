package io.lockstep.step;

/** Training stopped: too many consecutive bad steps, or a non-finite step under the fail policy. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
