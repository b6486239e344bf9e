package io.lockstep.spark.coordinator;

import java.io.Serializable;

/**
 * One rank's contribution to a training step, from a barrier task to the coordinator, which replies with
 * the {@link StepHandler}'s result once every rank has contributed to that step.
 */
public final class StepCall implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int stageAttempt;
    private final int rank;
    private final long step;
    private final Serializable contribution;

    public StepCall(int stageAttempt, int rank, long step, Serializable contribution) {
        this.stageAttempt = stageAttempt;
        this.rank = rank;
        this.step = step;
        this.contribution = contribution;
    }

    public int stageAttempt() {
        return stageAttempt;
    }

    public int rank() {
        return rank;
    }

    public long step() {
        return step;
    }

    public Serializable contribution() {
        return contribution;
    }

    @Override
    public String toString() {
        return "StepCall(attempt " + stageAttempt + ", rank " + rank + ", step " + step + ")";
    }
}
