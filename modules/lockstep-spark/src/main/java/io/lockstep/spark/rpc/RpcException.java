package io.lockstep.spark.rpc;

/**
 * A call that did not get a reply: the endpoint failed it (the message is the endpoint's own and the cause
 * its exception), the reply did not come in time ({@link #timedOut()}), or the endpoint cannot be reached.
 */
public final class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    public RpcException(String message, Throwable cause, boolean timedOut) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** Whether the call failed because no reply came within its timeout. */
    public boolean timedOut() {
        return timedOut;
    }
}
