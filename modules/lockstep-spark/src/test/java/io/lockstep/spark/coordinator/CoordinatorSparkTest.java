package io.lockstep.spark.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.collective.CollectiveException;
import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.math.Moments;
import io.lockstep.spark.LocalSpark;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.SparkRpc;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The coordinator on the driver's own RPC environment and W barrier tasks of a local-mode SparkContext.
 * Each task returns "ok" or what went wrong, so that an expected failure does not fail the stage.
 */
class CoordinatorSparkTest {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);
    private static final StepHandler NO_STEPS = (step, byRank) -> {
        throw new IllegalStateException("this test takes no steps");
    };
    private static final int STEPS = 40;
    private static final int SITES = 3;

    private Coordinator coordinator;
    private EndpointAddress address;

    private EndpointAddress start(int worldSize, long firstStep, Duration roundTimeout, StepHandler handler) {
        LocalSpark.context();
        coordinator = new Coordinator(worldSize, firstStep, roundTimeout, handler);
        address = SparkRpc.register("lockstep-coordinator-test", coordinator);
        coordinator.beginAttempt(0);
        return address;
    }

    @AfterEach
    void stop() {
        if (address != null) {
            SparkRpc.stop(address);
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @ParameterizedTest(name = "W = {0}")
    @ValueSource(ints = {2, 4})
    void allReducesOfSumAndMomentsAreExactOnEveryRank(int worldSize) {
        EndpointAddress at = start(worldSize, 0, ROUND_TIMEOUT, NO_STEPS);

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> exactRounds(at, worldSize, rank));

        assertEquals(Collections.nCopies(worldSize, "ok"), results);
        for (Rejection reason : Rejection.values()) {
            assertEquals(0, coordinator.rejected(reason), reason.name());
        }
    }

    @Test
    void stepRoundsRunTheHandlerOncePerStepAndReplyToEveryRank() {
        int worldSize = 4;
        long firstStep = 5;
        AtomicInteger handlerCalls = new AtomicInteger();
        StepHandler sum = (step, byRank) -> {
            handlerCalls.incrementAndGet();
            long total = 0;
            long rankWeighted = 0;
            for (int r = 0; r < byRank.size(); r++) {
                total += (Long) byRank.get(r);
                rankWeighted += r * (Long) byRank.get(r);
            }
            return new long[] {step, total, rankWeighted};
        };
        EndpointAddress at = start(worldSize, firstStep, ROUND_TIMEOUT, sum);

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> {
            SparkCollective collective = SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT);
            for (long step = firstStep; step < firstStep + STEPS; step++) {
                long[] reply = (long[]) collective.step(step, (rank + 1) * (step + 1));
                long total = 0;
                long rankWeighted = 0;
                for (int r = 0; r < worldSize; r++) {
                    total += (r + 1) * (step + 1);
                    rankWeighted += r * (r + 1) * (step + 1);
                }
                if (!Arrays.equals(reply, new long[] {step, total, rankWeighted})) {
                    return "rank " + rank + " step " + step + ": " + Arrays.toString(reply);
                }
            }
            return "ok";
        });

        assertEquals(Collections.nCopies(worldSize, "ok"), results);
        assertEquals(STEPS, handlerCalls.get());
        assertEquals(firstStep + STEPS, coordinator.expectedStep());
    }

    @Test
    void aStepHandlerErrorReachesEveryRank() {
        int worldSize = 2;
        EndpointAddress at = start(worldSize, 0, ROUND_TIMEOUT, (step, byRank) -> {
            if (step == 1) {
                throw new IllegalStateException("the update diverged at step 1");
            }
            return step;
        });

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> {
            SparkCollective collective = SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT);
            collective.step(0, rank);
            return failureOf(() -> collective.step(1, rank));
        });

        for (Serializable message : results) {
            assertTrue(message.toString().contains("the update diverged at step 1"), message.toString());
        }
        CoordinatorTest.assertCounted(coordinator, Rejection.ROUND_FAILED, 1);
        assertEquals(1, coordinator.expectedStep());
    }

    @Test
    void aStepOtherThanTheExpectedOneIsRejected() {
        int worldSize = 2;
        EndpointAddress at = start(worldSize, 10, ROUND_TIMEOUT, NO_STEPS);

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> rank == 0 ? "idle"
                : failureOf(() -> SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT).step(11, "late")));

        assertEquals("rank 1 sent step 11 where the driver expects step 10", results.get(1));
        CoordinatorTest.assertCounted(coordinator, Rejection.UNEXPECTED_STEP, 1);
    }

    @Test
    void aMessageOfAStaleStageAttemptIsRejected() {
        int worldSize = 2;
        EndpointAddress at = start(worldSize, 0, ROUND_TIMEOUT, NO_STEPS);
        coordinator.beginAttempt(1);

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> failureOf(() ->
                SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT)
                        .allReduce(key(0, 0), new double[] {rank}, Reduction.SUM)));

        assertEquals(List.of("rank 0 sent a message of stage attempt 0 where the current attempt is 1",
                "rank 1 sent a message of stage attempt 0 where the current attempt is 1"), results);
        CoordinatorTest.assertCounted(coordinator, Rejection.STALE_ATTEMPT, 2);
    }

    @Test
    void aVectorOfAnotherLengthFailsTheRoundForEveryRank() {
        int worldSize = 2;
        EndpointAddress at = start(worldSize, 0, ROUND_TIMEOUT, NO_STEPS);

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> failureOf(() ->
                SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT)
                        .allReduce(key(0, 0), new double[3 + rank], Reduction.SUM)));

        // Whichever rank arrives second is the one that disagrees; both learn of it.
        for (Serializable message : results) {
            assertTrue(message.toString().matches(
                    "rank [01] sent [34] values where others sent [34] at step 0 site 0 BN_FORWARD"), message.toString());
        }
        CoordinatorTest.assertCounted(coordinator, Rejection.DISAGREEING_CONTRIBUTION, 1);
    }

    @Test
    void aRoundTimesOutNamingTheMissingRank() {
        int worldSize = 2;
        EndpointAddress at = start(worldSize, 0, Duration.ofMillis(300), NO_STEPS);

        List<Serializable> results = LocalSpark.barrier(worldSize, rank -> rank == 1 ? "idle" : failureOf(() ->
                SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT)
                        .allReduce(key(0, 0), new double[] {1, 2}, Reduction.SUM)));

        assertEquals("timed out after 300 ms at step 0 site 0 BN_FORWARD: missing ranks [1] (arrived: [0])",
                results.get(0));
        CoordinatorTest.assertCounted(coordinator, Rejection.ROUND_TIMED_OUT, 1);
    }

    /** Prints the median round trip of an all-reduce among 2 barrier tasks; asserts only the sums. */
    @Test
    void measuresTheAllReduceRoundTrip() {
        int worldSize = 2;
        EndpointAddress at = start(worldSize, 0, ROUND_TIMEOUT, NO_STEPS);

        for (int length : new int[] {256, 431_080}) {
            List<Serializable> medians = LocalSpark.barrier(worldSize, rank -> AllReduceTiming.medianMillis(
                    SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT), length, length, 200));
            System.out.printf("all-reduce of %,d doubles among %d barrier tasks (local mode), median of 200 rounds:"
                    + " %s ms per rank%n", length, worldSize, medians);
        }
    }

    /** STEPS x SITES forward MOMENTS and backward SUM rounds, every result compared bit for bit. */
    private static Serializable exactRounds(EndpointAddress at, int worldSize, int rank) {
        SparkCollective collective = SparkCollective.connect(at, worldSize, 0, rank, ASK_TIMEOUT);
        List<String> wrong = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            for (int site = 0; site < SITES; site++) {
                CollectiveKey forward = new CollectiveKey(step, site, CollectiveKey.Phase.BN_FORWARD);
                List<Moments> shards = new ArrayList<>();
                for (int r = 0; r < worldSize; r++) {
                    shards.add(shard(r, step, site));
                }
                double[] moments = collective.allReduce(forward, shards.get(rank).pack(), Reduction.MOMENTS);
                if (!Arrays.equals(moments, Moments.mergeInOrder(shards).pack())) {
                    wrong.add(forward + ": " + Arrays.toString(moments));
                }

                CollectiveKey backward = new CollectiveKey(step, site, CollectiveKey.Phase.BN_BACKWARD);
                double[] expected = new double[4 + site];
                for (int r = 0; r < worldSize; r++) {
                    double[] v = sumContribution(r, step, site);
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] += v[i];
                    }
                }
                if (rank == worldSize - 1 && site == 0) { // a rank that does not wait for this round
                    collective.contribute(backward, sumContribution(rank, step, site), Reduction.SUM);
                } else {
                    double[] sum = collective.allReduce(backward, sumContribution(rank, step, site), Reduction.SUM);
                    if (!Arrays.equals(sum, expected)) {
                        wrong.add(backward + ": " + Arrays.toString(sum));
                    }
                }
            }
        }
        return wrong.isEmpty() ? "ok" : "rank " + rank + " got " + wrong.subList(0, Math.min(3, wrong.size()));
    }

    /** A rank's batch-norm moments at one site and step; some ranks have no examples. */
    private static Moments shard(int rank, int step, int site) {
        int channels = 2 + site;
        long count = (rank + step + site) % 4;
        if (count == 0) {
            return Moments.empty(channels);
        }
        double[] mean = new double[channels];
        double[] m2 = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = 0.1 * (rank + 1) * (c + 1) - 0.013 * step;
            m2[c] = 0.3 * rank + 0.7 * c + 0.01 * step;
        }
        return new Moments(count, mean, m2);
    }

    private static double[] sumContribution(int rank, int step, int site) {
        double[] v = new double[4 + site];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rank + 1) * 0.1 * (step * 31 + site * 7 + i) - rank;
        }
        return v;
    }

    private static CollectiveKey key(long step, int site) {
        return new CollectiveKey(step, site, CollectiveKey.Phase.BN_FORWARD);
    }

    /** The message of the CollectiveException the call throws, or "no failure". */
    private static String failureOf(Runnable call) {
        try {
            call.run();
            return "no failure";
        } catch (CollectiveException e) {
            return e.getMessage();
        }
    }
}
