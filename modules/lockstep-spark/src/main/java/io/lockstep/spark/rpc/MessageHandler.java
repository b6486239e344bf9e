package io.lockstep.spark.rpc;

/**
 * The driver-side receiver of an endpoint registered with {@link SparkRpc#register}. Spark calls it for
 * one message at a time, on a thread of the endpoint's own (so a slow handler does not hold up Spark's
 * other endpoints).
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message. The handler must answer through {@code reply} exactly once, now or later and
     * from any thread; an exception thrown from here fails the call with it.
     */
    void receive(Object message, Reply reply);
}
