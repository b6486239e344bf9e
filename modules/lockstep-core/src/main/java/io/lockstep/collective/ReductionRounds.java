package io.lockstep.collective;

import java.util.ArrayList;
import java.util.List;

/**
 * The meeting point of a collective, independent of transport: gathers one contribution per rank for each
 * key, reduces them in rank order once the last one arrives, and hands the result to every waiting rank.
 * The in-process group and the Spark coordinator both sit on top of this class; the gathering itself is
 * {@link GatherRounds}'.
 */
public final class ReductionRounds {

    /** Receives the outcome of one rank's call (any {@code GatherRounds.Listener<double[]>} will do). */
    public interface Listener extends GatherRounds.Listener<double[]> {
    }

    /** One rank's vector and the reduction it asks for. */
    private record Contribution(double[] values, Reduction reduction) {
    }

    private final GatherRounds<CollectiveKey, Contribution, double[]> rounds;

    public ReductionRounds(int worldSize) {
        this.rounds = new GatherRounds<>(worldSize, ReductionRounds::reduce, ReductionRounds::disagreement,
                CollectiveKey::toString);
    }

    public int worldSize() {
        return rounds.worldSize();
    }

    /**
     * Adds rank's contribution to key's round. The listener (null for a rank that does not wait) is told the
     * result once all ranks have contributed, or the failure if the round cannot complete.
     *
     * @return what became of the contribution; a rejected one's listener has been told why
     */
    public GatherRounds.Outcome submit(CollectiveKey key, int rank, double[] contribution, Reduction reduction,
                                       GatherRounds.Listener<double[]> listener) {
        return rounds.submit(key, rank, new Contribution(contribution, reduction), listener);
    }

    /** Fails every round opened before the given {@link System#nanoTime()}, naming its missing ranks. */
    public int expireOpenedBefore(long nanoTime, String reason) {
        return rounds.expireOpenedBefore(nanoTime, reason);
    }

    /** Fails every open round and every later call: a rank is gone and the others must not wait for it. */
    public void abort(CollectiveException cause) {
        rounds.abort(cause);
    }

    /** Number of rounds still waiting for contributions (for tests and diagnostics). */
    public int openRounds() {
        return rounds.openRounds();
    }

    private static double[] reduce(CollectiveKey key, List<Contribution> byRank) {
        List<double[]> vectors = new ArrayList<>(byRank.size());
        for (Contribution contribution : byRank) {
            vectors.add(contribution.values());
        }
        return byRank.get(0).reduction().reduce(vectors);
    }

    private static String disagreement(Contribution accepted, Contribution offered) {
        if (offered.reduction() != accepted.reduction()) {
            return "asked for " + offered.reduction() + " where others asked for " + accepted.reduction();
        }
        if (offered.values().length != accepted.values().length) {
            return "sent " + offered.values().length + " values where others sent " + accepted.values().length;
        }
        return null;
    }
}
