/**
 * Request/reply messaging between Spark tasks and an endpoint on the driver, over Spark's own RPC
 * environment: no extra port, and Spark's authentication ({@code spark.authenticate}) and encryption
 * settings apply.
 *
 * <p>{@link io.lockstep.spark.rpc.SparkRpc} is the one class that touches Spark's private RPC API
 * ({@code org.apache.spark.rpc}); a change of Spark version should touch it alone. Everything else in
 * Lockstep sees a {@link io.lockstep.spark.rpc.MessageHandler} with a {@link io.lockstep.spark.rpc.Reply}
 * (driver side), a serializable {@link io.lockstep.spark.rpc.EndpointAddress} and an
 * {@link io.lockstep.spark.rpc.RpcClient} (task side).
 *
 * <p>Messages and replies cross the wire by Java serialization whatever {@code spark.serializer} says:
 * Spark's {@code NettyRpcEnv} always uses its own {@code JavaSerializer}. Between a task and a driver in
 * the same JVM (local mode) Spark does not serialize at all and hands over the objects themselves.
 */
package io.lockstep.spark.rpc;
