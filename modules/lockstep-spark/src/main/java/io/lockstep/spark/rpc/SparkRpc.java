package io.lockstep.spark.rpc;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * <p>The handler may reply later, from another thread: it gets a {@link Reply} that wraps Spark's
 * {@code RpcCallContext}. Between JVMs, messages, replies and failures cross Spark's RPC as Java-serialized
 * bytes that {@link WireCodec} reads back with Lockstep's class loader (Spark's own deserialization on an
 * executor would look for them in the system class loader, which does not see the application jar);
 * between a task and the driver in one JVM (local mode) they are handed over as the objects themselves.
 */
public final class SparkRpc {
    /** Names our timeouts in Spark's timeout messages, where Spark would name a configuration key. */
    private static final String TIMEOUT_NAME = "the Lockstep ask timeout";
    /** Extra time the waiting thread gives Spark's own timeout to fire first. */
    private static final long AWAIT_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final ConcurrentMap<EndpointAddress, RpcEndpointRef> REGISTERED = new ConcurrentHashMap<>();

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
        RpcEndpointRef ref = env.setupEndpoint(name, new HandlerEndpoint(env, handler));
        RpcAddress at = env.address();
        EndpointAddress address = new EndpointAddress(at.host(), at.port(), name);
        REGISTERED.put(address, ref);
        return address;
    }

    /**
     * Unregisters an endpoint that {@link #register} returned; calls still waiting for a reply get none
     * and time out. Does nothing if it is not registered (any more).
     */
    public static void stop(EndpointAddress address) {
        RpcEndpointRef ref = REGISTERED.remove(address);
        SparkEnv sparkEnv = SparkEnv.get();
        if (ref != null && sparkEnv != null) {
            sparkEnv.rpcEnv().stop(ref);
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
        try {
            RpcEndpointRef ref = env.setupEndpointRef(new RpcAddress(address.host(), address.port()), address.name());
            return new RefClient(address, ref, !isOwnAddress(env, address));
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

    /** Spark's endpoint around a handler; the dedicated thread is Spark's {@code DedicatedMessageLoop}. */
    private static final class HandlerEndpoint implements IsolatedThreadSafeRpcEndpoint {
        private final RpcEnv env;
        private final MessageHandler handler;

        HandlerEndpoint(RpcEnv env, MessageHandler handler) {
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
                    } catch (RuntimeException e) {
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

    /** A client over Spark's endpoint reference; encodes its calls when the endpoint is in another JVM. */
    private static final class RefClient implements RpcClient {
        private final EndpointAddress address;
        private final RpcEndpointRef ref;
        private final boolean encoded;

        RefClient(EndpointAddress address, RpcEndpointRef ref, boolean encoded) {
            this.address = address;
            this.ref = ref;
            this.encoded = encoded;
        }

        @Override
        public EndpointAddress address() {
            return address;
        }

        @Override
        public Object ask(Object message, Duration timeout) {
            FiniteDuration limit = new FiniteDuration(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Object payload = encoded ? WireCodec.encode(message) : message;
            Future<Object> reply = ref.ask(payload, new RpcTimeout(limit, TIMEOUT_NAME), ClassTag$.MODULE$.AnyRef());
            Object answer;
            try {
                answer = ThreadUtils.awaitResult(reply,
                        new FiniteDuration(timeout.toNanos() + AWAIT_MARGIN_NANOS, TimeUnit.NANOSECONDS));
            } catch (Exception e) { // SparkException wraps the endpoint's failure; timeouts come raw
                throw failure(e, message, timeout);
            }
            return encoded ? decoded((byte[]) answer) : answer;
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
                return new RpcException("no reply from " + address + " within " + timeout.toMillis() + " ms to "
                        + message.getClass().getSimpleName(), cause, true);
            }
            return new RpcException(messageOf(cause), cause, false);
        }
    }
}
