package io.lockstep.spark.coordinator;

import io.lockstep.collective.CollectiveException;
import io.lockstep.collective.GatherRounds;
import io.lockstep.collective.ReductionRounds;
import io.lockstep.spark.rpc.MessageHandler;
import io.lockstep.spark.rpc.Reply;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The driver side of one training run's collectives, for W barrier tasks (ranks 0..W-1): registered as an
 * endpoint with {@link io.lockstep.spark.rpc.SparkRpc#register}, it takes
 * <ul>
 *   <li>{@link CollectiveCall}s, gathered per {@link io.lockstep.collective.CollectiveKey} and reduced in
 *       rank order; every waiting rank gets the reduced {@code double[]}, a rank that does not wait gets
 *       {@link Ack#ACCEPTED} at once;</li>
 *   <li>{@link StepCall}s, gathered per step; once all W have arrived the {@link StepHandler} runs once and
 *       every rank gets its result (or its error). The driver expects the steps in order from
 *       {@code firstStep}, one after the other.</li>
 * </ul>
 *
 * <p>The driver calls {@link #beginAttempt} before it launches (or relaunches) the barrier stage; the
 * rounds of the previous attempt fail, and its late messages are turned away as stale. A round waits at
 * most {@code roundTimeout} (from its first contribution) for its missing ranks, then fails every waiting
 * rank with a message naming the missing ones. {@link #abort} fails every waiting rank (the stage failed).
 * Every message turned away gets a message saying why and is counted ({@link #rejected}).
 */
public final class Coordinator implements MessageHandler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    private static final long MIN_SWEEP_MILLIS = 10;
    private static final long MAX_SWEEP_MILLIS = 1000;

    private final int worldSize;
    private final Duration roundTimeout;
    private final StepHandler stepHandler;
    private final ScheduledExecutorService timer;
    private final AtomicLongArray rejections = new AtomicLongArray(Rejection.values().length);
    private volatile Attempt current;
    private volatile long expectedStep;

    /**
     * @param worldSize    the number of ranks, W
     * @param firstStep    the step the driver expects first (the run's current step when it resumes)
     * @param roundTimeout how long a round waits for its missing ranks after its first contribution
     * @param stepHandler  runs once per step with every rank's contribution
     */
    public Coordinator(int worldSize, long firstStep, Duration roundTimeout, StepHandler stepHandler) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        if (roundTimeout.isNegative() || roundTimeout.isZero()) {
            throw new IllegalArgumentException("round timeout must be positive, got " + roundTimeout);
        }
        if (stepHandler == null) {
            throw new IllegalArgumentException("a step handler must be given");
        }
        this.worldSize = worldSize;
        this.roundTimeout = roundTimeout;
        this.stepHandler = stepHandler;
        this.expectedStep = firstStep;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lockstep-coordinator-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        long sweepMillis = Math.max(MIN_SWEEP_MILLIS, Math.min(MAX_SWEEP_MILLIS, roundTimeout.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::expireLateRounds, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    public int worldSize() {
        return worldSize;
    }

    /** The step whose {@link StepCall}s the coordinator takes now. */
    public long expectedStep() {
        return expectedStep;
    }

    /**
     * Starts taking messages of a new stage attempt, numbered by the driver, higher than any before. The
     * rounds of the previous attempt fail; its messages are stale from now on. The expected step stays.
     */
    public synchronized void beginAttempt(int attempt) {
        Attempt previous = current;
        if (previous != null && attempt <= previous.number) {
            throw new IllegalArgumentException(
                    "stage attempt " + attempt + " does not follow the current attempt " + previous.number);
        }
        current = new Attempt(attempt);
        if (previous != null) {
            previous.abort(new CollectiveException(
                    "stage attempt " + previous.number + " was superseded by attempt " + attempt));
        }
    }

    /** Fails every rank waiting in the current attempt, and its later messages, with the given reason. */
    public void abort(String reason) {
        Attempt attempt = current;
        if (attempt != null) {
            attempt.abort(new CollectiveException("the driver aborted stage attempt " + attempt.number + ": " + reason));
        }
    }

    /**
     * How many times the coordinator turned a message (or a round) away for that reason. A failed round
     * is counted right after its ranks were answered, so the count may trail the answers by a moment.
     */
    public long rejected(Rejection reason) {
        return rejections.get(reason.ordinal());
    }

    @Override
    public void receive(Object message, Reply reply) {
        if (message instanceof CollectiveCall call) {
            onCollective(call, reply);
        } else if (message instanceof StepCall call) {
            onStep(call, reply);
        } else if (message instanceof JoinCall call) {
            onJoin(call, reply);
        } else {
            String type = message == null ? "null" : message.getClass().getName();
            reject(Rejection.UNKNOWN_MESSAGE, reply, "unknown message type " + type
                    + ": the coordinator takes " + JoinCall.class.getSimpleName() + ", "
                    + CollectiveCall.class.getSimpleName() + " and " + StepCall.class.getSimpleName());
        }
    }

    /** Stops the timeout timer and fails every waiting rank. */
    @Override
    public void close() {
        timer.shutdownNow();
        abort("the coordinator was closed");
    }

    private void onCollective(CollectiveCall call, Reply reply) {
        Attempt attempt = attemptOf(call.stageAttempt(), call.rank(), reply);
        if (attempt == null) {
            return;
        }
        GatherRounds.Listener<double[]> listener = call.waitsForResult()
                ? new RelayListener<>(reply) : new FailureOnlyListener(reply);
        GatherRounds.Outcome outcome = attempt.collectives.submit(
                call.key(), call.rank(), call.values(), call.reduction(), listener);
        if (!call.waitsForResult() && !outcome.rejected()) {
            reply.reply(Ack.ACCEPTED);
        }
        count(outcome);
    }

    /** A newer attempt supersedes the current one; the joining rank learns where training stands. */
    private synchronized void onJoin(JoinCall call, Reply reply) {
        Attempt attempt = current;
        if (attempt == null || call.stageAttempt() > attempt.number) {
            beginAttempt(call.stageAttempt());
        } else if (call.stageAttempt() < attempt.number) {
            reject(Rejection.STALE_ATTEMPT, reply, "rank " + call.rank() + " joined stage attempt " + call.stageAttempt()
                    + " where the current attempt is " + attempt.number);
            return;
        }
        if (call.rank() < 0 || call.rank() >= worldSize) {
            reject(Rejection.RANK_OUT_OF_RANGE, reply, "rank " + call.rank() + " outside 0.." + (worldSize - 1));
            return;
        }
        reply.reply(stepHandler.joinState());
    }

    private void onStep(StepCall call, Reply reply) {
        Attempt attempt = attemptOf(call.stageAttempt(), call.rank(), reply);
        if (attempt == null) {
            return;
        }
        long expected = expectedStep;
        if (call.step() != expected) {
            reject(Rejection.UNEXPECTED_STEP, reply,
                    "rank " + call.rank() + " sent step " + call.step() + " where the driver expects step " + expected);
            return;
        }
        count(attempt.steps.submit(call.step(), call.rank(), call.contribution(), new RelayListener<>(reply)));
    }

    /** The current attempt if the message belongs to it; otherwise turns the message away and returns null. */
    private Attempt attemptOf(int stageAttempt, int rank, Reply reply) {
        Attempt attempt = current;
        if (attempt == null || attempt.number != stageAttempt) {
            reject(Rejection.STALE_ATTEMPT, reply, "rank " + rank + " sent a message of stage attempt " + stageAttempt
                    + (attempt == null ? " before any attempt began" : " where the current attempt is " + attempt.number));
            return null;
        }
        return attempt;
    }

    /** Runs the step handler once all ranks have contributed, then moves on to the next step. */
    private Serializable completeStep(Long step, List<Serializable> byRank) {
        Serializable result = stepHandler.onStep(step, byRank);
        expectedStep = step + 1;
        return result;
    }

    private void expireLateRounds() {
        try {
            Attempt attempt = current;
            if (attempt == null) {
                return;
            }
            long openedBefore = System.nanoTime() - roundTimeout.toNanos();
            String reason = "timed out after " + roundTimeout.toMillis() + " ms";
            int expired = attempt.collectives.expireOpenedBefore(openedBefore, reason)
                    + attempt.steps.expireOpenedBefore(openedBefore, reason);
            rejections.addAndGet(Rejection.ROUND_TIMED_OUT.ordinal(), expired);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "expiring late coordinator rounds failed", e);
        }
    }

    private void reject(Rejection reason, Reply reply, String message) {
        rejections.incrementAndGet(reason.ordinal());
        reply.fail(new CollectiveException(message));
    }

    private void count(GatherRounds.Outcome outcome) {
        Rejection reason = switch (outcome) {
            case JOINED, COMPLETED -> null;
            case COMBINE_FAILED -> Rejection.ROUND_FAILED;
            case ABORTED -> Rejection.ABORTED;
            case RANK_OUT_OF_RANGE -> Rejection.RANK_OUT_OF_RANGE;
            case DUPLICATE_RANK -> Rejection.DUPLICATE_RANK;
            case DISAGREES -> Rejection.DISAGREEING_CONTRIBUTION;
        };
        if (reason != null) {
            rejections.incrementAndGet(reason.ordinal());
        }
    }

    /** The rounds of one stage attempt. */
    private final class Attempt {
        final int number;
        final ReductionRounds collectives = new ReductionRounds(worldSize);
        final GatherRounds<Long, Serializable, Serializable> steps =
                new GatherRounds<>(worldSize, Coordinator.this::completeStep, null, step -> "step round " + step);

        Attempt(int number) {
            this.number = number;
        }

        void abort(CollectiveException cause) {
            collectives.abort(cause);
            steps.abort(cause);
        }
    }

    /** Relays a round's outcome to the waiting rank. */
    private static final class RelayListener<R> implements GatherRounds.Listener<R> {
        private final Reply reply;

        RelayListener(Reply reply) {
            this.reply = reply;
        }

        @Override
        public void completed(R result) {
            reply.reply(result);
        }

        @Override
        public void failed(CollectiveException cause) {
            reply.fail(cause);
        }
    }

    /**
     * For a rank that does not wait: a rejection reaches it (before its acknowledgement); a later failure of
     * the round finds the call already answered, and the ranks that wait report it.
     */
    private static final class FailureOnlyListener implements GatherRounds.Listener<double[]> {
        private final Reply reply;

        FailureOnlyListener(Reply reply) {
            this.reply = reply;
        }

        @Override
        public void completed(double[] result) {
        }

        @Override
        public void failed(CollectiveException cause) {
            reply.fail(cause);
        }
    }
}
