package io.lockstep.collective;

/** A collective call that cannot complete: a timeout, an aborted group, or contributions that disagree. */
public class CollectiveException extends RuntimeException {
    public CollectiveException(String message) {
        super(message);
    }

    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
