package io.lockstep.spark.coordinator;

import io.lockstep.collective.Collective;
import io.lockstep.collective.CollectiveException;
import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.RpcClient;
import io.lockstep.spark.rpc.RpcException;
import io.lockstep.spark.rpc.SparkRpc;
import java.io.Serializable;
import java.time.Duration;

/**
 * One barrier task's handle on the run's {@link Coordinator}: a {@link Collective} whose rounds meet on
 * the driver, plus the task's {@link #step} contributions. Every call blocks for the coordinator's answer
 * (a contribution that does not wait for its round still waits for the acknowledgement) and fails with a
 * {@link CollectiveException} carrying the coordinator's own message.
 *
 * <p>The reduced vectors and step results may be shared: between a task and the driver in one JVM (local
 * mode) Spark hands over the coordinator's object itself, the same for every rank. Treat them as read-only.
 * A contribution is copied only where the call returns before its round completes ({@link #contribute}).
 */
public final class SparkCollective implements Collective {
    private final RpcClient coordinator;
    private final int worldSize;
    private final int stageAttempt;
    private final int rank;
    private final Duration askTimeout;

    /**
     * @param coordinator  a client of the coordinator's endpoint
     * @param stageAttempt the attempt number the driver gave {@link Coordinator#beginAttempt} for this stage
     * @param askTimeout   how long one call waits; longer than the coordinator's round timeout plus the
     *                     step handler's time, so that the coordinator's own error arrives first
     */
    public SparkCollective(RpcClient coordinator, int worldSize, int stageAttempt, int rank, Duration askTimeout) {
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " outside 0.." + (worldSize - 1));
        }
        this.coordinator = coordinator;
        this.worldSize = worldSize;
        this.stageAttempt = stageAttempt;
        this.rank = rank;
        this.askTimeout = askTimeout;
    }

    /** Connects from a task (this executor's SparkEnv) to the coordinator at the given address. */
    public static SparkCollective connect(EndpointAddress coordinator, int worldSize, int stageAttempt, int rank,
                                          Duration askTimeout) {
        try {
            return new SparkCollective(SparkRpc.connect(coordinator), worldSize, stageAttempt, rank, askTimeout);
        } catch (RpcException e) {
            throw new CollectiveException(e.getMessage(), e);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    public int stageAttempt() {
        return stageAttempt;
    }

    @Override
    public double[] allReduce(CollectiveKey key, double[] contribution, Reduction reduction) {
        Object reply = ask(new CollectiveCall(stageAttempt, rank, key, contribution, reduction, true));
        if (reply instanceof double[] reduced) {
            return reduced;
        }
        throw unexpected(reply, key.toString());
    }

    @Override
    public void contribute(CollectiveKey key, double[] contribution, Reduction reduction) {
        Object reply = ask(new CollectiveCall(stageAttempt, rank, key, contribution.clone(), reduction, false));
        if (reply != Ack.ACCEPTED) {
            throw unexpected(reply, key.toString());
        }
    }

    /** Joins this rank's stage attempt; returns the driver's {@link StepHandler#joinState()}. */
    public Serializable join() {
        Object reply = ask(new JoinCall(stageAttempt, rank));
        if (reply == null || reply instanceof Serializable) {
            return (Serializable) reply;
        }
        throw unexpected(reply, "join");
    }

    /**
     * Contributes to a training step and blocks until every rank has, and the driver's {@link StepHandler}
     * has run.
     *
     * @return the step handler's result, the same for every rank
     */
    public Serializable step(long step, Serializable contribution) {
        Object reply = ask(new StepCall(stageAttempt, rank, step, contribution));
        if (reply == null || reply instanceof Serializable) {
            return (Serializable) reply;
        }
        throw unexpected(reply, "step " + step);
    }

    private Object ask(Object message) {
        try {
            return coordinator.ask(message, askTimeout);
        } catch (RpcException e) {
            throw new CollectiveException(e.getMessage(), e);
        }
    }

    private CollectiveException unexpected(Object reply, String call) {
        String type = reply == null ? "null" : reply.getClass().getName();
        return new CollectiveException("the coordinator answered " + call + " of rank " + rank + " with a " + type);
    }
}
