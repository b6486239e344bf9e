package io.lockstep.collective;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A collective among threads of one JVM, for exact tests without Spark. Every rank's call waits at most
 * the group's timeout; a timeout or a failed round aborts the whole group so that no thread waits forever.
 */
public final class InProcessCollectiveGroup {
    private final ReductionRounds rounds;
    private final Duration timeout;

    public InProcessCollectiveGroup(int worldSize, Duration timeout) {
        this.rounds = new ReductionRounds(worldSize);
        this.timeout = timeout;
    }

    public int worldSize() {
        return rounds.worldSize();
    }

    /** The handle that rank uses. */
    public Collective member(int rank) {
        if (rank < 0 || rank >= worldSize()) {
            throw new IllegalArgumentException("rank " + rank + " outside 0.." + (worldSize() - 1));
        }
        return new Member(rank);
    }

    /** Releases every waiting rank with the given cause (a worker thread failed). */
    public void abort(String reason, Throwable cause) {
        rounds.abort(new CollectiveException(reason, cause));
    }

    private final class Member implements Collective {
        private final int rank;

        Member(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return rounds.worldSize();
        }

        @Override
        public double[] allReduce(CollectiveKey key, double[] contribution, Reduction reduction) {
            CompletableFuture<double[]> result = new CompletableFuture<>();
            rounds.submit(key, rank, contribution, reduction, new ReductionRounds.Listener() {
                @Override
                public void completed(double[] reduced) {
                    result.complete(reduced);
                }

                @Override
                public void failed(CollectiveException cause) {
                    result.completeExceptionally(cause);
                }
            });
            try {
                return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                CollectiveException cause = new CollectiveException(
                        "rank " + rank + " waited " + timeout.toMillis() + " ms at " + key + " for the other ranks");
                rounds.abort(cause);
                throw cause;
            } catch (ExecutionException e) {
                throw (CollectiveException) e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectiveException("interrupted at " + key, e);
            }
        }

        @Override
        public void contribute(CollectiveKey key, double[] contribution, Reduction reduction) {
            rounds.submit(key, rank, contribution, reduction, null);
        }
    }
}
