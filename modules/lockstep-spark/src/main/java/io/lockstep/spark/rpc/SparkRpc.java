package io.lockstep.spark.rpc;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.rpc.IsolatedThreadSafeRpcEndpoint;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.RpcTimeout;
import org.apache.spark.util.ThreadUtils;
import scala.PartialFunction;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * The adapter to Spark's private RPC API ({@code org.apache.spark.rpc}, Spark 3.5): the only class of
 * Lockstep that touches it.
 *
 * <p>On the driver, {@link #register} puts a {@link MessageHandler} on the driver's own
 * {@code SparkEnv.rpcEnv} as an endpoint with a dedicated thread ({@code IsolatedThreadSafeRpcEndpoint}:
 * one message at a time, never on the dispatcher threads that Spark's own endpoints share) and returns
 * the serializable address that tasks receive in their closure; {@link #stop} removes it. In a task,
 * {@link #connect} looks the endpoint up from the executor's {@code SparkEnv.rpcEnv} (one round trip) and
 * returns a client whose {@link RpcClient#ask} blocks for the reply.
 *
 * <p>The handler may reply later, from another thread: it gets a {@link Reply}. Between JVMs, messages,
 * replies and failures cross Spark's RPC as Java-serialized bytes that {@link WireCodec} reads back with
 * Lockstep's class loader (Spark's own deserialization on an executor would look for them in the system class
 * loader, which does not see the application jar). In the driver's own JVM (local mode) a call skips Spark's
 * RPC: the caller's thread runs the handler, one message at a time as the endpoint's thread would, and the
 * reply completes the caller's future. A collective round then costs one thread wake-up (the last rank to
 * arrive wakes the others) instead of a hop to the endpoint's thread and one back per rank.
 */
public final class SparkRpc {
    /** Names our timeouts in Spark's timeout messages, where Spark would name a configuration key. */
    private static final String TIMEOUT_NAME = "the Lockstep ask timeout";
    /** Extra time the waiting thread gives Spark's own timeout to fire first. */
    private static final long AWAIT_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final ConcurrentMap<EndpointAddress, Registration> REGISTERED = new ConcurrentHashMap<>();

    private SparkRpc() {
    }

    /**
     * Registers a handler on this driver's RPC environment under a new unique name.
     *
     * @param namePrefix the start of the endpoint's name, e.g. "lockstep-coordinator"
     * @return the address tasks connect to
     * @throws IllegalStateException if this JVM has no SparkEnv (no SparkContext started)
     */
    public static EndpointAddress register(String namePrefix, MessageHandler handler) {
        RpcEnv env = rpcEnv();
        String name = namePrefix + "-" + UUID.randomUUID();
        SerialHandler serial = new SerialHandler(handler);
        RpcEndpointRef ref = env.setupEndpoint(name, new HandlerEndpoint(env, serial));
        RpcAddress at = env.address();
        EndpointAddress address = new EndpointAddress(at.host(), at.port(), name);
        REGISTERED.put(address, new Registration(ref, serial));
        return address;
    }

    /**
     * Unregisters an endpoint that {@link #register} returned; calls still waiting for a reply get none
     * and time out. Does nothing if it is not registered (any more).
     */
    public static void stop(EndpointAddress address) {
        Registration registration = REGISTERED.remove(address);
        SparkEnv sparkEnv = SparkEnv.get();
        if (registration != null && sparkEnv != null) {
            sparkEnv.rpcEnv().stop(registration.ref());
        }
    }

    /**
     * Connects this JVM (a task's executor, or the driver itself) to an endpoint on the driver.
     *
     * @throws RpcException          if the endpoint is not registered or cannot be reached
     * @throws IllegalStateException if this JVM has no SparkEnv
     */
    public static RpcClient connect(EndpointAddress address) {
        return connect(address, rpcEnv());
    }

    /** {@link #connect} from a given RPC environment (tests use a second one to go through the network). */
    static RpcClient connect(EndpointAddress address, RpcEnv env) {
        if (isOwnAddress(env, address)) {
            if (!REGISTERED.containsKey(address)) {
                throw new RpcException("cannot reach endpoint " + address + ": not registered", null, false);
            }
            return new DirectClient(address);
        }
        try {
            RpcEndpointRef ref = env.setupEndpointRef(new RpcAddress(address.host(), address.port()), address.name());
            return new RefClient(address, ref);
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw new RpcException("cannot reach endpoint " + address + ": " + messageOf(e), e, false);
        }
    }

    private static boolean isOwnAddress(RpcEnv env, EndpointAddress address) {
        RpcAddress own = env.address(); // null for a client-only environment
        return own != null && own.host().equals(address.host()) && own.port() == address.port();
    }

    private static RpcEnv rpcEnv() {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            throw new IllegalStateException(
                    "no SparkEnv in this JVM: call from the driver of a running SparkContext or from a Spark task");
        }
        return env.rpcEnv();
    }

    private static String messageOf(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** An endpoint registered in this JVM: Spark's reference to it and its handler, for direct calls. */
    private record Registration(RpcEndpointRef ref, SerialHandler handler) {
    }

    /** A handler that takes one message at a time, whichever thread calls it; a throw fails the call. */
    private static final class SerialHandler {
        private final MessageHandler handler;

        SerialHandler(MessageHandler handler) {
            this.handler = handler;
        }

        synchronized void receive(Object message, Reply reply) {
            try {
                handler.receive(message, reply);
            } catch (RuntimeException e) {
                reply.fail(e);
            }
        }
    }

    /** Spark's endpoint around a handler; the dedicated thread is Spark's {@code DedicatedMessageLoop}. */
    private static final class HandlerEndpoint implements IsolatedThreadSafeRpcEndpoint {
        private final RpcEnv env;
        private final SerialHandler handler;

        HandlerEndpoint(RpcEnv env, SerialHandler handler) {
            this.env = env;
            this.handler = handler;
        }

        @Override
        public RpcEnv rpcEnv() {
            return env;
        }

        @Override
        public int threadCount() {
            return 1;
        }

        @Override
        public PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
            return new AbstractPartialFunction<>() {
                @Override
                public boolean isDefinedAt(Object message) {
                    return true;
                }

                @Override
                public BoxedUnit apply(Object message) {
                    boolean fromAnotherJvm = message instanceof byte[];
                    ContextReply reply = new ContextReply(context, fromAnotherJvm);
                    try {
                        handler.receive(fromAnotherJvm ? WireCodec.decode((byte[]) message) : message, reply);
                    } catch (RuntimeException e) { // a message that does not decode
                        reply.fail(e);
                    }
                    return BoxedUnit.UNIT;
                }
            };
        }
    }

    /** A reply through Spark's call context, answered at most once; encoded when the caller is in another JVM. */
    private static final class ContextReply implements Reply {
        private final RpcCallContext context;
        private final boolean encoded;
        private final AtomicBoolean answered = new AtomicBoolean();

        ContextReply(RpcCallContext context, boolean encoded) {
            this.context = context;
            this.encoded = encoded;
        }

        @Override
        public void reply(Object response) {
            if (answered.compareAndSet(false, true)) {
                context.reply(encoded ? WireCodec.encode(response) : response);
            }
        }

        @Override
        public void fail(Throwable cause) {
            if (answered.compareAndSet(false, true)) {
                if (encoded) {
                    context.reply(WireCodec.encode(new WireCodec.Failure(cause)));
                } else {
                    context.sendFailure(cause);
                }
            }
        }
    }

    /** A client in the driver's JVM: runs the handler on the calling thread and waits for its reply. */
    private static final class DirectClient implements RpcClient {
        private final EndpointAddress address;

        DirectClient(EndpointAddress address) {
            this.address = address;
        }

        @Override
        public EndpointAddress address() {
            return address;
        }

        @Override
        public Object ask(Object message, Duration timeout) {
            Registration registration = REGISTERED.get(address);
            if (registration == null) {
                throw new RpcException("endpoint " + address + " was stopped", null, false);
            }
            CompletableFuture<Object> answer = new CompletableFuture<>();
            registration.handler().receive(message, new FutureReply(answer));
            try {
                return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw timedOut(address, message, timeout, e);
            } catch (ExecutionException e) {
                throw new RpcException(messageOf(e.getCause()), e.getCause(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcException("interrupted waiting for " + address, e, false);
            }
        }
    }

    /** A reply that completes the caller's future; the first answer wins. */
    private record FutureReply(CompletableFuture<Object> answer) implements Reply {
        @Override
        public void reply(Object response) {
            answer.complete(response);
        }

        @Override
        public void fail(Throwable cause) {
            answer.completeExceptionally(cause);
        }
    }

    private static RpcException timedOut(EndpointAddress address, Object message, Duration timeout, Throwable cause) {
        return new RpcException("no reply from " + address + " within " + timeout.toMillis() + " ms to "
                + message.getClass().getSimpleName(), cause, true);
    }

    /** A client over Spark's endpoint reference in another JVM: calls and answers cross as bytes. */
    private static final class RefClient implements RpcClient {
        private final EndpointAddress address;
        private final RpcEndpointRef ref;

        RefClient(EndpointAddress address, RpcEndpointRef ref) {
            this.address = address;
            this.ref = ref;
        }

        @Override
        public EndpointAddress address() {
            return address;
        }

        @Override
        public Object ask(Object message, Duration timeout) {
            FiniteDuration limit = new FiniteDuration(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Future<Object> reply = ref.ask(WireCodec.encode(message), new RpcTimeout(limit, TIMEOUT_NAME),
                    ClassTag$.MODULE$.AnyRef());
            Object answer;
            try {
                answer = ThreadUtils.awaitResult(reply,
                        new FiniteDuration(timeout.toNanos() + AWAIT_MARGIN_NANOS, TimeUnit.NANOSECONDS));
            } catch (Exception e) { // SparkException wraps the endpoint's failure; timeouts come raw
                throw failure(e, message, timeout);
            }
            return decoded((byte[]) answer);
        }

        private static Object decoded(byte[] answer) {
            Object value = WireCodec.decode(answer);
            if (value instanceof WireCodec.Failure failure) {
                throw new RpcException(messageOf(failure.cause()), failure.cause(), false);
            }
            return value;
        }

        private RpcException failure(Exception e, Object message, Duration timeout) {
            Throwable cause = e instanceof SparkException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                return timedOut(address, message, timeout, cause);
            }
            return new RpcException(messageOf(cause), cause, false);
        }
    }
}
