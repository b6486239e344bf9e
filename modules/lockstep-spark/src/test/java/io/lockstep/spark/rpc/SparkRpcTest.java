package io.lockstep.spark.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.collective.CollectiveException;
import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.spark.LocalSpark;
import io.lockstep.spark.coordinator.AllReduceTiming;
import io.lockstep.spark.coordinator.CollectiveCall;
import io.lockstep.spark.coordinator.Coordinator;
import io.lockstep.spark.coordinator.SparkCollective;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SecurityManager;
import org.apache.spark.SecurityManager$;
import org.apache.spark.SparkConf;
import org.apache.spark.rpc.RpcEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapter on the driver's RPC environment of a local-mode SparkContext. Calls go either the way a task
 * of local mode sends them (same RpcEnv: Spark hands the objects over unserialized) or through a second,
 * client-mode RpcEnv in this JVM, the way an executor's do: over loopback TCP, Java-serialized.
 */
class SparkRpcTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static RpcEnv executorLike;

    private final List<EndpointAddress> registered = new ArrayList<>();

    @BeforeAll
    static void startSecondRpcEnv() {
        SparkConf conf = LocalSpark.context().getConf();
        SecurityManager security = new SecurityManager(conf, SecurityManager$.MODULE$.$lessinit$greater$default$2(),
                SecurityManager$.MODULE$.$lessinit$greater$default$3());
        executorLike = RpcEnv.create("lockstep-test-executor", "127.0.0.1", "127.0.0.1", 0, conf, security, 1, true);
    }

    @AfterAll
    static void stopSecondRpcEnv() {
        executorLike.shutdown();
    }

    @AfterEach
    void unregister() {
        registered.forEach(SparkRpc::stop);
    }

    @ParameterizedTest(name = "over the network: {0}")
    @ValueSource(booleans = {false, true})
    void aHandlerCanReplyLaterFromAnotherThread(boolean overNetwork) throws Exception {
        List<String> messages = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        EndpointAddress at = register((message, reply) -> {
            messages.add((String) message);
            replies.add(reply);
            if (messages.size() == 2) { // answer both, later, from elsewhere
                String both = String.join("+", messages.stream().sorted().toList());
                List<Reply> waiting = List.copyOf(replies);
                new Thread(() -> waiting.forEach(r -> r.reply(both))).start();
            }
        });
        RpcClient client = client(at, overNetwork);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<Object> a = callers.submit(() -> client.ask("a", TIMEOUT));
            Future<Object> b = callers.submit(() -> client.ask("b", TIMEOUT));

            assertEquals("a+b", a.get());
            assertEquals("a+b", b.get());
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest(name = "over the network: {0}")
    @ValueSource(booleans = {false, true})
    void aFailedCallCarriesTheHandlersOwnMessage(boolean overNetwork) {
        EndpointAddress at = register((message, reply) ->
                reply.fail(new CollectiveException("missing ranks [1] at step 3")));

        RpcException e = assertThrows(RpcException.class, () -> client(at, overNetwork).ask("x", TIMEOUT));

        assertEquals("missing ranks [1] at step 3", e.getMessage());
        assertInstanceOf(CollectiveException.class, e.getCause());
        assertFalse(e.timedOut());
    }

    @ParameterizedTest(name = "over the network: {0}")
    @ValueSource(booleans = {false, true})
    void aHandlerThatThrowsFailsTheCall(boolean overNetwork) {
        EndpointAddress at = register((message, reply) -> {
            throw new IllegalArgumentException("cannot take " + message);
        });

        RpcException e = assertThrows(RpcException.class, () -> client(at, overNetwork).ask("x", TIMEOUT));

        assertEquals("cannot take x", e.getMessage());
    }

    /** In the driver's JVM the caller's thread runs the handler; from another JVM, the endpoint's thread does. */
    @ParameterizedTest(name = "over the network: {0}")
    @ValueSource(booleans = {false, true})
    void inTheDriversJvmTheCallersThreadRunsTheHandler(boolean overNetwork) {
        EndpointAddress at = register((message, reply) -> reply.reply(Thread.currentThread().getName()));

        Object handledOn = client(at, overNetwork).ask("x", TIMEOUT);

        assertEquals(!overNetwork, Thread.currentThread().getName().equals(handledOn), "handled on " + handledOn);
    }

    @Test
    void onlyTheFirstAnswerCounts() {
        EndpointAddress at = register((message, reply) -> {
            reply.reply("first");
            reply.fail(new IllegalStateException("second"));
            reply.reply("third");
        });

        assertEquals("first", SparkRpc.connect(at).ask("x", TIMEOUT));
    }

    @Test
    void aCallWithoutAReplyTimesOut() {
        EndpointAddress at = register((message, reply) -> { });

        RpcException e = assertThrows(RpcException.class,
                () -> SparkRpc.connect(at).ask("x", Duration.ofMillis(200)));

        assertTrue(e.timedOut());
        assertEquals("no reply from " + at + " within 200 ms to String", e.getMessage());
    }

    @Test
    void aStoppedEndpointCannotBeReached() {
        EndpointAddress at = register((message, reply) -> reply.reply(message));
        SparkRpc.stop(at);

        RpcException e = assertThrows(RpcException.class, () -> SparkRpc.connect(at, executorLike));

        assertTrue(e.getMessage().startsWith("cannot reach endpoint " + at), e.getMessage());
    }

    @Test
    void messagesCrossTheNetworkIntact() {
        EndpointAddress at = register((message, reply) -> reply.reply(message));
        CollectiveCall call = new CollectiveCall(2, 1, new CollectiveKey(7, 3, CollectiveKey.Phase.BN_BACKWARD),
                new double[] {1.5, -0.0, Double.MIN_VALUE}, Reduction.MOMENTS, false);

        CollectiveCall echoed = (CollectiveCall) SparkRpc.connect(at, executorLike).ask(call, TIMEOUT);

        assertNotSame(call, echoed);
        assertEquals(call.toString(), echoed.toString());
        assertEquals(call.key(), echoed.key());
        assertArrayEquals(call.values(), echoed.values());
    }

    /** Prints the median round trip of an all-reduce of two ranks over loopback TCP; asserts only the sums. */
    @Test
    void measuresTheAllReduceRoundTripOverTheNetwork() throws Exception {
        int worldSize = 2;
        try (Coordinator coordinator = new Coordinator(worldSize, 0, TIMEOUT, (step, byRank) -> step)) {
            EndpointAddress at = register(coordinator);
            coordinator.beginAttempt(0);
            ExecutorService ranks = Executors.newFixedThreadPool(worldSize);
            try {
                for (int length : new int[] {256, 431_080}) {
                    List<Future<Double>> medians = new ArrayList<>();
                    for (int rank = 0; rank < worldSize; rank++) {
                        SparkCollective collective = new SparkCollective(
                                SparkRpc.connect(at, executorLike), worldSize, 0, rank, TIMEOUT);
                        medians.add(ranks.submit(() -> AllReduceTiming.medianMillis(collective, length, length, 200)));
                    }
                    System.out.printf("all-reduce of %,d doubles between 2 ranks over loopback TCP (Java serialization),"
                            + " median of 200 rounds: [%s, %s] ms per rank%n", length,
                            medians.get(0).get(), medians.get(1).get());
                }
            } finally {
                ranks.shutdownNow();
            }
        }
    }

    private EndpointAddress register(MessageHandler handler) {
        EndpointAddress at = SparkRpc.register("lockstep-rpc-test", handler);
        registered.add(at);
        return at;
    }

    private static RpcClient client(EndpointAddress at, boolean overNetwork) {
        return overNetwork ? SparkRpc.connect(at, executorLike) : SparkRpc.connect(at);
    }
}
