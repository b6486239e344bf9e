package io.lockstep.spark.rpc;

/**
 * The answer to one call, given at most once, now or later, from any thread: later calls are ignored, so
 * that a round that fails after it has answered cannot answer twice.
 */
public interface Reply {

    /** Answers the caller with a value (Java-serializable when the caller is in another JVM). */
    void reply(Object response);

    /**
     * Fails the caller's call. The caller sees an {@link RpcException} with the cause's message; the cause
     * crosses the wire by Java serialization, so it should be of a class Lockstep's or the JDK's.
     */
    void fail(Throwable cause);
}
