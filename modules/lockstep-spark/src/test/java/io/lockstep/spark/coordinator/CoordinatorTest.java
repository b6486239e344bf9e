package io.lockstep.spark.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.spark.rpc.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordinator's rules, driven directly (no Spark): each call's {@link Reply} is recorded. */
class CoordinatorTest {
    private static final CollectiveKey KEY = new CollectiveKey(3, 1, CollectiveKey.Phase.BN_BACKWARD);
    private static final StepHandler COUNT = (step, byRank) -> step + ":" + byRank;

    private Coordinator coordinator;

    private Coordinator coordinator(int worldSize, Duration roundTimeout) {
        coordinator = new Coordinator(worldSize, 0, roundTimeout, COUNT);
        return coordinator;
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void everyWaitingRankGetsTheSumAndARankThatDoesNotWaitGetsAnAck() {
        Coordinator c = coordinator(3, Duration.ofSeconds(10));
        c.beginAttempt(0);
        RecordedReply r0 = send(c, new CollectiveCall(0, 0, KEY, new double[] {1, 2}, Reduction.SUM, true));
        RecordedReply r2 = send(c, new CollectiveCall(0, 2, KEY, new double[] {0, 0}, Reduction.SUM, false));
        assertSame(Ack.ACCEPTED, r2.value());
        assertFalse(r0.answered());

        RecordedReply r1 = send(c, new CollectiveCall(0, 1, KEY, new double[] {10, 20}, Reduction.SUM, true));

        assertArrayEquals(new double[] {11, 22}, (double[]) r0.value());
        assertArrayEquals(new double[] {11, 22}, (double[]) r1.value());
    }

    @Test
    void aRankOutsideTheGroupIsRejected() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);

        RecordedReply reply = send(c, new CollectiveCall(0, 2, KEY, new double[1], Reduction.SUM, true));

        assertEquals("rank 2 outside 0..1 at step 3 site 1 BN_BACKWARD", reply.failure());
        assertEquals(1, c.rejected(Rejection.RANK_OUT_OF_RANGE));
    }

    @Test
    void aContributionThatDoesNotWaitIsStillRejectedToItsRank() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);

        RecordedReply reply = send(c, new CollectiveCall(0, -1, KEY, new double[1], Reduction.SUM, false));

        assertEquals("rank -1 outside 0..1 at step 3 site 1 BN_BACKWARD", reply.failure());
    }

    @Test
    void anUnknownMessageIsRejected() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);

        RecordedReply reply = send(c, "hello");

        assertEquals("unknown message type java.lang.String: the coordinator takes JoinCall, CollectiveCall and StepCall",
                reply.failure());
        assertEquals(1, c.rejected(Rejection.UNKNOWN_MESSAGE));
    }

    @Test
    void aMessageBeforeAnyAttemptIsStale() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));

        RecordedReply reply = send(c, new StepCall(0, 0, 0, "x"));

        assertEquals("rank 0 sent a message of stage attempt 0 before any attempt began", reply.failure());
        assertEquals(1, c.rejected(Rejection.STALE_ATTEMPT));
    }

    @Test
    void aNewAttemptFailsTheRoundsOfThePreviousOne() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);
        RecordedReply waiting = send(c, new CollectiveCall(0, 0, KEY, new double[1], Reduction.SUM, true));

        c.beginAttempt(1);

        assertEquals("stage attempt 0 was superseded by attempt 1", waiting.failure());
        RecordedReply fresh0 = send(c, new CollectiveCall(1, 0, KEY, new double[] {1}, Reduction.SUM, true));
        RecordedReply fresh1 = send(c, new CollectiveCall(1, 1, KEY, new double[] {2}, Reduction.SUM, true));
        assertArrayEquals(new double[] {3}, (double[]) fresh0.value());
        assertArrayEquals(new double[] {3}, (double[]) fresh1.value());
    }

    @Test
    void attemptNumbersMustIncrease() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(4);

        assertThrows(IllegalArgumentException.class, () -> c.beginAttempt(4));
    }

    @Test
    void abortFailsEveryWaitingRankAndLaterMessagesOfTheAttempt() {
        Coordinator c = coordinator(3, Duration.ofSeconds(10));
        c.beginAttempt(0);
        RecordedReply collective = send(c, new CollectiveCall(0, 0, KEY, new double[1], Reduction.SUM, true));
        RecordedReply step = send(c, new StepCall(0, 1, 0, "g"));

        c.abort("task 2 failed");

        String expected = "the driver aborted stage attempt 0: task 2 failed";
        assertEquals(expected, collective.failure());
        assertEquals(expected, step.failure());
        assertEquals(expected, send(c, new StepCall(0, 2, 0, "g")).failure());
        assertEquals(1, c.rejected(Rejection.ABORTED));
    }

    @Test
    void aTimedOutRoundNamesEveryMissingRank() {
        Coordinator c = coordinator(3, Duration.ofMillis(100));
        c.beginAttempt(0);

        RecordedReply reply = send(c, new StepCall(0, 1, 0, "g"));

        assertEquals("timed out after 100 ms at step round 0: missing ranks [0, 2] (arrived: [1])", reply.failure());
        assertCounted(c, Rejection.ROUND_TIMED_OUT, 1);
    }

    @Test
    void contributingTwiceFailsTheRound() {
        Coordinator c = coordinator(3, Duration.ofSeconds(10));
        c.beginAttempt(0);
        RecordedReply first = send(c, new CollectiveCall(0, 1, KEY, new double[1], Reduction.SUM, true));

        RecordedReply second = send(c, new CollectiveCall(0, 1, KEY, new double[1], Reduction.SUM, true));

        assertEquals("rank 1 contributed twice at step 3 site 1 BN_BACKWARD", first.failure());
        assertEquals(first.failure(), second.failure());
        assertEquals(1, c.rejected(Rejection.DUPLICATE_RANK));
    }

    @Test
    void differentReductionsInOneRoundFailIt() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);
        RecordedReply first = send(c, new CollectiveCall(0, 0, KEY, new double[3], Reduction.MOMENTS, true));

        RecordedReply second = send(c, new CollectiveCall(0, 1, KEY, new double[3], Reduction.SUM, true));

        assertEquals("rank 1 asked for SUM where others asked for MOMENTS at step 3 site 1 BN_BACKWARD", second.failure());
        assertEquals(second.failure(), first.failure());
    }

    @Test
    void aStepRoundRunsTheHandlerWithContributionsInRankOrderAndMovesOn() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);
        RecordedReply rank1 = send(c, new StepCall(0, 1, 0, "b"));
        assertEquals(0, c.expectedStep());

        RecordedReply rank0 = send(c, new StepCall(0, 0, 0, "a"));

        assertEquals("0:[a, b]", rank0.value());
        assertEquals("0:[a, b]", rank1.value());
        assertEquals(1, c.expectedStep());
        assertEquals("rank 0 sent step 0 where the driver expects step 1", send(c, new StepCall(0, 0, 0, "a")).failure());
    }

    @Test
    void aReductionThatCannotBeComputedFailsEveryRank() {
        Coordinator c = coordinator(2, Duration.ofSeconds(10));
        c.beginAttempt(0);
        // MOMENTS needs 2C + 1 values.
        RecordedReply rank0 = send(c, new CollectiveCall(0, 0, KEY, new double[2], Reduction.MOMENTS, true));
        RecordedReply rank1 = send(c, new CollectiveCall(0, 1, KEY, new double[2], Reduction.MOMENTS, true));

        assertEquals("cannot complete step 3 site 1 BN_BACKWARD: packed moments need 2C + 1 values, got 2",
                rank0.failure());
        assertEquals(rank0.failure(), rank1.failure());
        assertEquals(1, c.rejected(Rejection.ROUND_FAILED));
    }

    /**
     * Asserts a count, giving it a moment: the coordinator counts a round's failure right after it has
     * answered the round's ranks, possibly on another thread.
     */
    static void assertCounted(Coordinator c, Rejection reason, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.rejected(reason) != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(expected, c.rejected(reason), reason.name());
    }

    private static RecordedReply send(Coordinator c, Object message) {
        RecordedReply reply = new RecordedReply();
        c.receive(message, reply);
        return reply;
    }

    /** The first answer to one call (a Reply answers at most once). */
    private static final class RecordedReply implements Reply {
        private final CompletableFuture<Object> answer = new CompletableFuture<>();

        @Override
        public void reply(Object response) {
            answer.complete(response);
        }

        @Override
        public void fail(Throwable cause) {
            answer.completeExceptionally(cause);
        }

        boolean answered() {
            return answer.isDone();
        }

        Object value() {
            try {
                return answer.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("no value: " + e, e);
            }
        }

        String failure() {
            try {
                Object value = answer.get(5, TimeUnit.SECONDS);
                throw new AssertionError("expected a failure, got " + value);
            } catch (ExecutionException e) {
                return e.getCause().getMessage();
            } catch (Exception e) {
                throw new AssertionError("no answer: " + e, e);
            }
        }
    }
}
