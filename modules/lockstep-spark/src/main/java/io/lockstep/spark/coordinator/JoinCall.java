package io.lockstep.spark.coordinator;

import java.io.Serializable;

/**
 * A worker's first message in a stage attempt: it asks where training stands. A newer attempt than the
 * coordinator's current one (Spark re-ran a failed barrier stage) supersedes it; an older one is stale.
 */
public final class JoinCall implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int stageAttempt;
    private final int rank;

    public JoinCall(int stageAttempt, int rank) {
        this.stageAttempt = stageAttempt;
        this.rank = rank;
    }

    public int stageAttempt() {
        return stageAttempt;
    }

    public int rank() {
        return rank;
    }

    @Override
    public String toString() {
        return "JoinCall(attempt " + stageAttempt + ", rank " + rank + ")";
    }
}
