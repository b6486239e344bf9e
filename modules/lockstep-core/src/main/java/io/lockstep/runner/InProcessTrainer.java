package io.lockstep.runner;

import io.lockstep.collective.InProcessCollectiveGroup;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncMode;
import io.lockstep.step.ClippingConfig;
import io.lockstep.step.DriverStep;
import io.lockstep.step.FlatVector;
import io.lockstep.step.GuardConfig;
import io.lockstep.step.LearningRateSchedule;
import io.lockstep.step.StepAggregate;
import io.lockstep.step.StepOutcome;
import io.lockstep.step.WorkerContribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Data-parallel training inside one JVM: W worker threads, each with its own replica of the network, an
 * in-process collective between them, and the driver step on the caller's thread. It drives DL4J exactly as the
 * Spark runtime does, so that exactness is testable in seconds without Spark.
 */
public final class InProcessTrainer implements AutoCloseable {
    private final DriverStep driver;
    private final InProcessCollectiveGroup group;
    private final List<WorkerReplica> replicas = new ArrayList<>();
    private final ExecutorService pool;
    private long step;

    /**
     * @param model    the initialized network whose parameters training starts from; it becomes the driver's copy
     * @param schedule learning rate per step, or null for the DL4J configuration's own
     */
    public InProcessTrainer(Model model, int workers, SyncMode mode, ClippingConfig clipping,
                            LearningRateSchedule schedule) {
        this(model, workers, mode, clipping, schedule, GuardConfig.OFF);
    }

    /** As above, with the explosion guard. */
    public InProcessTrainer(Model model, int workers, SyncMode mode, ClippingConfig clipping,
                            LearningRateSchedule schedule, GuardConfig guard) {
        Network network = Network.of(model);
        this.driver = new DriverStep(network, mode, clipping, schedule, guard);
        this.group = new InProcessCollectiveGroup(workers, Duration.ofMinutes(5));
        for (int rank = 0; rank < workers; rank++) {
            replicas.add(new WorkerReplica(network.copy(), mode, group.member(rank)));
        }
        this.pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "lockstep-worker");
            thread.setDaemon(true);
            return thread;
        });
    }

    public Network network() {
        return driver.network();
    }

    /** One synchronous step on a global batch split into balanced contiguous shards. */
    public StepOutcome step(DataSet globalBatch) {
        return step(globalBatch, ShardPlan.balanced(globalBatch.numExamples(), replicas.size()));
    }

    /** One synchronous step on a global batch split into contiguous shards of the given sizes (zeros allowed). */
    public StepOutcome step(DataSet globalBatch, int[] shardSizes) {
        long current = step++;
        List<Future<WorkerContribution>> futures = new ArrayList<>();
        int start = 0;
        for (int rank = 0; rank < replicas.size(); rank++) {
            DataSet shard = rows(globalBatch, start, start + shardSizes[rank]);
            start += shardSizes[rank];
            WorkerReplica replica = replicas.get(rank);
            int workerRank = rank;
            futures.add(pool.submit(() -> {
                try {
                    return replica.computeStep(current, shard);
                } catch (RuntimeException | Error e) {
                    group.abort("worker " + workerRank + " failed at step " + current, e);
                    throw e;
                }
            }));
        }
        if (start != globalBatch.numExamples()) {
            throw new IllegalArgumentException("shard sizes add up to " + start + ", batch has " + globalBatch.numExamples());
        }
        List<WorkerContribution> contributions = new ArrayList<>();
        for (Future<WorkerContribution> future : futures) {
            contributions.add(await(future));
        }
        StepOutcome outcome = driver.apply(StepAggregate.of(contributions));
        FlatVector params = FlatVector.of(driver.network().params());
        for (WorkerReplica replica : replicas) {
            replica.setParameters(params);
        }
        return outcome;
    }

    private static DataSet rows(DataSet batch, int from, int to) {
        if (from == to) {
            return null;
        }
        return new DataSet(batch.getFeatures().get(NDArrayIndex.interval(from, to)).dup(),
                batch.getLabels().get(NDArrayIndex.interval(from, to)).dup());
    }

    private static WorkerContribution await(Future<WorkerContribution> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("worker failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
