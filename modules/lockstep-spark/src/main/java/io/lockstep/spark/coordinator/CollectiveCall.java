package io.lockstep.spark.coordinator;

import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;
import java.io.Serializable;

/**
 * One rank's contribution to a collective round, from a barrier task to the coordinator. The coordinator
 * replies with the reduced vector ({@code double[]}) once every rank has contributed, or at once with
 * {@link Ack#ACCEPTED} if the rank does not wait for the result.
 *
 * <p>Immutable by convention: the vector is not copied, and neither side changes it after sending.
 */
public final class CollectiveCall implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int stageAttempt;
    private final int rank;
    private final CollectiveKey key;
    private final double[] values;
    private final Reduction reduction;
    private final boolean waitsForResult;

    public CollectiveCall(int stageAttempt, int rank, CollectiveKey key, double[] values, Reduction reduction,
                          boolean waitsForResult) {
        if (key == null || values == null || reduction == null) {
            throw new IllegalArgumentException("key, values and reduction must be given");
        }
        this.stageAttempt = stageAttempt;
        this.rank = rank;
        this.key = key;
        this.values = values;
        this.reduction = reduction;
        this.waitsForResult = waitsForResult;
    }

    public int stageAttempt() {
        return stageAttempt;
    }

    public int rank() {
        return rank;
    }

    public CollectiveKey key() {
        return key;
    }

    /** The contribution itself, not a copy. */
    public double[] values() {
        return values;
    }

    public Reduction reduction() {
        return reduction;
    }

    public boolean waitsForResult() {
        return waitsForResult;
    }

    @Override
    public String toString() {
        return "CollectiveCall(attempt " + stageAttempt + ", rank " + rank + ", " + key + ", " + values.length
                + " values, " + reduction + (waitsForResult ? ")" : ", no wait)");
    }
}
