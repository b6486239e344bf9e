package io.lockstep.spark.rpc;

import java.time.Duration;

/** A task's connection to an endpoint on the driver, from {@link SparkRpc#connect}. Safe for concurrent use. */
public interface RpcClient {

    /** Where the calls go. */
    EndpointAddress address();

    /**
     * Sends a message and blocks until the endpoint replies.
     *
     * @return the endpoint's reply
     * @throws RpcException if the endpoint failed the call (with the endpoint's own message), if no reply
     *                      came within the timeout, or if the endpoint cannot be reached
     */
    Object ask(Object message, Duration timeout);
}
