package io.lockstep.collective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Gathers one contribution per rank for each key; once the last rank's has arrived, computes the round's
 * result from the contributions in rank order, exactly once, and hands it to every rank that waits.
 *
 * <p>This is the meeting point of every collective, independent of transport and of what is gathered:
 * {@link ReductionRounds} gathers vectors and reduces them, the Spark coordinator also gathers each
 * rank's step contribution and runs the driver's update on them. A round that cannot complete (a rank
 * outside the group, a rank that contributes twice, contributions that disagree, a result that cannot be
 * computed, a timeout, an abort) fails every rank waiting in it, so that no rank waits forever.
 *
 * @param <K> what names a round (a {@link CollectiveKey}, a step number)
 * @param <T> one rank's contribution
 * @param <R> the round's result, identical for every rank
 */
public final class GatherRounds<K, T, R> {

    /** Receives the outcome of one rank's call: exactly one of the two methods is called, once. */
    public interface Listener<R> {
        void completed(R result);

        void failed(CollectiveException cause);
    }

    /** Computes a round's result. Called once per round, outside the lock, in the last rank's thread. */
    @FunctionalInterface
    public interface Combiner<K, T, R> {
        R combine(K key, List<T> byRank);
    }

    /** Says what is wrong with a contribution offered next to one the round already holds, or null if they agree. */
    @FunctionalInterface
    public interface Agreement<T> {
        String disagreement(T accepted, T offered);
    }

    /** What became of one submitted contribution. */
    public enum Outcome {
        /** Accepted; the round waits for other ranks. */
        JOINED,
        /** Accepted as the last contribution; the round's result was computed and handed out. */
        COMPLETED,
        /** Accepted as the last contribution, but computing the result failed; every waiting rank was told. */
        COMBINE_FAILED,
        /** Rejected: the rounds were aborted. */
        ABORTED,
        /** Rejected: the rank is not in 0..worldSize-1. */
        RANK_OUT_OF_RANGE,
        /** Rejected: the rank already contributed to this round; the round failed. */
        DUPLICATE_RANK,
        /** Rejected: the contribution disagrees with the round's others; the round failed. */
        DISAGREES;

        /** Whether the contribution was turned away (the caller's listener was told why). */
        public boolean rejected() {
            return this != JOINED && this != COMPLETED && this != COMBINE_FAILED;
        }
    }

    private final int worldSize;
    private final Combiner<K, T, R> combiner;
    private final Agreement<T> agreement;
    private final Function<K, String> describe;
    private final Map<K, Round> open = new HashMap<>();
    private CollectiveException abortCause;

    /**
     * @param combiner  computes the result from the contributions in rank order
     * @param agreement checks every contribution against the round's first (null: any contributions agree)
     * @param describe  names a round in error messages ("step 3 site 1 BN_FORWARD")
     */
    public GatherRounds(int worldSize, Combiner<K, T, R> combiner, Agreement<T> agreement, Function<K, String> describe) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        this.worldSize = worldSize;
        this.combiner = combiner;
        this.agreement = agreement;
        this.describe = describe;
    }

    public int worldSize() {
        return worldSize;
    }

    /**
     * Adds rank's contribution to key's round. The listener (null for a rank that does not wait) is told the
     * result once all ranks have contributed, or the failure if the round cannot complete; a rejected
     * contribution's listener is told at once, before this method returns.
     */
    public Outcome submit(K key, int rank, T contribution, Listener<R> listener) {
        Round complete;
        synchronized (this) {
            if (abortCause != null) {
                fail(listener, abortCause);
                return Outcome.ABORTED;
            }
            if (rank < 0 || rank >= worldSize) {
                fail(listener, new CollectiveException(
                        "rank " + rank + " outside 0.." + (worldSize - 1) + " at " + describe.apply(key)));
                return Outcome.RANK_OUT_OF_RANGE;
            }
            Round round = open.computeIfAbsent(key, k -> new Round());
            Outcome rejected = round.accept(rank, contribution, listener);
            if (rejected != null) {
                CollectiveException cause = new CollectiveException(round.problem + " at " + describe.apply(key));
                open.remove(key);
                round.failAll(cause);
                fail(listener, cause);
                return rejected;
            }
            if (round.arrived < worldSize) {
                return Outcome.JOINED;
            }
            open.remove(key);
            complete = round;
        }
        R result;
        try {
            result = combiner.combine(key, Collections.unmodifiableList(Arrays.asList(complete.byRank)));
        } catch (RuntimeException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            complete.failAll(new CollectiveException("cannot complete " + describe.apply(key) + ": " + why, e));
            return Outcome.COMBINE_FAILED;
        }
        for (Listener<R> waiting : complete.listeners) {
            waiting.completed(result);
        }
        return Outcome.COMPLETED;
    }

    /**
     * Fails every round opened before the given {@link System#nanoTime()}, telling its waiting ranks which
     * ranks are missing: {@code reason + " at " + round + ": missing ranks [..] (arrived: [..])"}.
     *
     * @return the number of rounds failed
     */
    public int expireOpenedBefore(long nanoTime, String reason) {
        List<Round> expired = new ArrayList<>();
        List<CollectiveException> causes = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Map.Entry<K, Round>> it = open.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<K, Round> entry = it.next();
                Round round = entry.getValue();
                if (round.openedAt - nanoTime < 0) {
                    it.remove();
                    expired.add(round);
                    causes.add(new CollectiveException(reason + " at " + describe.apply(entry.getKey())
                            + ": missing ranks " + round.ranks(false) + " (arrived: " + round.ranks(true) + ")"));
                }
            }
        }
        for (int i = 0; i < expired.size(); i++) {
            expired.get(i).failAll(causes.get(i));
        }
        return expired.size();
    }

    /** Fails every open round and every later call: a rank is gone and the others must not wait for it. */
    public void abort(CollectiveException cause) {
        List<Round> rounds;
        synchronized (this) {
            if (abortCause == null) {
                abortCause = cause;
            }
            rounds = new ArrayList<>(open.values());
            open.clear();
        }
        for (Round round : rounds) {
            round.failAll(cause);
        }
    }

    /** Number of rounds still waiting for contributions (for tests and diagnostics). */
    public synchronized int openRounds() {
        return open.size();
    }

    private static <R> void fail(Listener<R> listener, CollectiveException cause) {
        if (listener != null) {
            listener.failed(cause);
        }
    }

    private final class Round {
        final long openedAt = System.nanoTime();
        @SuppressWarnings("unchecked")
        final T[] byRank = (T[]) new Object[worldSize];
        final boolean[] present = new boolean[worldSize];
        final List<Listener<R>> listeners = new ArrayList<>();
        T first;
        int arrived;
        String problem;

        /** Records a contribution; returns why it is rejected (and sets {@link #problem}), or null. */
        Outcome accept(int rank, T contribution, Listener<R> listener) {
            if (arrived > 0 && agreement != null) {
                String disagreement = agreement.disagreement(first, contribution);
                if (disagreement != null) {
                    problem = "rank " + rank + " " + disagreement;
                    return Outcome.DISAGREES;
                }
            }
            if (present[rank]) {
                problem = "rank " + rank + " contributed twice";
                return Outcome.DUPLICATE_RANK;
            }
            if (arrived == 0) {
                first = contribution;
            }
            byRank[rank] = contribution;
            present[rank] = true;
            arrived++;
            if (listener != null) {
                listeners.add(listener);
            }
            return null;
        }

        List<Integer> ranks(boolean arrivedOnes) {
            List<Integer> ranks = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                if (present[r] == arrivedOnes) {
                    ranks.add(r);
                }
            }
            return ranks;
        }

        void failAll(CollectiveException cause) {
            for (Listener<R> waiting : listeners) {
                waiting.failed(cause);
            }
        }
    }
}
