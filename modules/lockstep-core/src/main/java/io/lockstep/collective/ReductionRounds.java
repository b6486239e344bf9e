package io.lockstep.collective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The meeting point of a collective, independent of transport: gathers one contribution per rank for each
 * key, reduces them in rank order once the last one arrives, and hands the result to every waiting rank.
 * The in-process group and the Spark coordinator both sit on top of this class.
 */
public final class ReductionRounds {

    /** Receives the outcome of one rank's call. */
    public interface Listener {
        void completed(double[] result);

        void failed(CollectiveException cause);
    }

    private final int worldSize;
    private final Map<CollectiveKey, Round> open = new HashMap<>();
    private CollectiveException abortCause;

    public ReductionRounds(int worldSize) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        this.worldSize = worldSize;
    }

    public int worldSize() {
        return worldSize;
    }

    /**
     * Adds rank's contribution to key's round. The listener (null for a rank that does not wait) is told the
     * result once all ranks have contributed, or the failure if the round cannot complete.
     */
    public void submit(CollectiveKey key, int rank, double[] contribution, Reduction reduction, Listener listener) {
        List<Listener> toNotify;
        double[] result;
        synchronized (this) {
            if (abortCause != null) {
                fail(listener, abortCause);
                return;
            }
            if (rank < 0 || rank >= worldSize) {
                fail(listener, new CollectiveException("rank " + rank + " outside 0.." + (worldSize - 1) + " at " + key));
                return;
            }
            Round round = open.computeIfAbsent(key, k -> new Round(reduction, contribution.length));
            String problem = round.accept(rank, contribution, reduction, listener);
            if (problem != null) {
                CollectiveException cause = new CollectiveException(problem + " at " + key);
                open.remove(key);
                round.failAll(cause);
                fail(listener, cause);
                return;
            }
            if (round.arrived < worldSize) {
                return;
            }
            open.remove(key);
            result = reduction.reduce(Arrays.asList(round.byRank));
            toNotify = round.listeners;
        }
        for (Listener waiting : toNotify) {
            waiting.completed(result);
        }
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

    private static void fail(Listener listener, CollectiveException cause) {
        if (listener != null) {
            listener.failed(cause);
        }
    }

    private final class Round {
        final Reduction reduction;
        final int length;
        final double[][] byRank = new double[worldSize][];
        final List<Listener> listeners = new ArrayList<>();
        int arrived;

        Round(Reduction reduction, int length) {
            this.reduction = reduction;
            this.length = length;
        }

        /** Records a contribution; returns what is wrong with it, or null. */
        String accept(int rank, double[] contribution, Reduction asked, Listener listener) {
            if (asked != reduction) {
                return "rank " + rank + " asked for " + asked + " where others asked for " + reduction;
            }
            if (contribution.length != length) {
                return "rank " + rank + " sent " + contribution.length + " values where others sent " + length;
            }
            if (byRank[rank] != null) {
                return "rank " + rank + " contributed twice";
            }
            byRank[rank] = contribution;
            arrived++;
            if (listener != null) {
                listeners.add(listener);
            }
            return null;
        }

        void failAll(CollectiveException cause) {
            for (Listener waiting : listeners) {
                waiting.failed(cause);
            }
        }
    }
}
