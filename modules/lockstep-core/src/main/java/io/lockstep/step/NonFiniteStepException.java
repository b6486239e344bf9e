package io.lockstep.step;

/** A step whose loss or gradient norm is NaN or infinite, under {@link ClippingConfig.NonFinitePolicy#FAIL}. */
public class NonFiniteStepException extends RuntimeException {
    public NonFiniteStepException(String message) {
        super(message);
    }
}
