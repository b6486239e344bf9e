package io.lockstep.bench;

import io.lockstep.collective.Collective;
import io.lockstep.collective.CollectiveKey;
import io.lockstep.collective.Reduction;

/**
 * A {@link Collective} that notes when each all-reduce of a step began and ended (System.nanoTime, one clock for
 * the driver and every task of a local-mode JVM), so that the wait for the other ranks can be told apart from the
 * round trip itself.
 */
final class TimedCollective implements Collective {
    /** More than any network here makes per step (LeNet-5-BN: 4 SyncBN layers x 2 phases). */
    static final int MAX_CALLS_PER_STEP = 64;

    private final Collective delegate;
    private final long[][] starts;
    private final long[][] ends;
    private final int[] calls;
    private int step = -1;

    TimedCollective(Collective delegate, int steps) {
        this.delegate = delegate;
        this.starts = new long[steps][MAX_CALLS_PER_STEP];
        this.ends = new long[steps][MAX_CALLS_PER_STEP];
        this.calls = new int[steps];
    }

    /** The calls from now on belong to {@code step}. */
    void beginStep(int step) {
        this.step = step;
    }

    @Override
    public int rank() {
        return delegate.rank();
    }

    @Override
    public int worldSize() {
        return delegate.worldSize();
    }

    @Override
    public double[] allReduce(CollectiveKey key, double[] contribution, Reduction reduction) {
        int call = calls[step]++;
        starts[step][call] = System.nanoTime();
        double[] result = delegate.allReduce(key, contribution, reduction);
        ends[step][call] = System.nanoTime();
        return result;
    }

    @Override
    public void contribute(CollectiveKey key, double[] contribution, Reduction reduction) {
        delegate.contribute(key, contribution, reduction);
    }

    long[][] starts() {
        return starts;
    }

    long[][] ends() {
        return ends;
    }

    int[] calls() {
        return calls;
    }
}
