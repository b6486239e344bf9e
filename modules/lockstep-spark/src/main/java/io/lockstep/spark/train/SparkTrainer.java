package io.lockstep.spark.train;

import io.lockstep.checkpoint.TrainingState;
import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.model.ModelSnapshot;
import io.lockstep.model.Network;
import io.lockstep.spark.coordinator.Coordinator;
import io.lockstep.spark.coordinator.StepHandler;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.SparkRpc;
import io.lockstep.step.DriverStep;
import io.lockstep.step.FlatVector;
import io.lockstep.step.StepAggregate;
import io.lockstep.step.StepOutcome;
import io.lockstep.step.WorkerContribution;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training on Spark. The driver keeps the only authoritative copy of the model
 * (parameters, optimizer state, running statistics); W barrier tasks run one long segment each epoch and talk
 * to a coordinator on the driver's own RPC environment:
 * <pre>
 *   per epoch:  launch W barrier tasks with the driver's parameters
 *   per step:   each task: forward/backward on its share of the global batch (SyncBN all-reduces), send
 *               gradient sum + count + loss + BN moments
 *               driver:    aggregate in rank order, clip, DL4J updater step, reply the parameters to all
 * </pre>
 */
public final class SparkTrainer {
    /** Stage attempt numbers per launch: attempt = launch * this + Spark's stage attempt number. */
    static final int ATTEMPTS_PER_LAUNCH = 1000;
    /** How many times a segment whose stage failed (a lost task or executor) is launched again. */
    static final int MAX_RELAUNCHES_PER_SEGMENT = 3;
    private static final System.Logger LOG = System.getLogger(SparkTrainer.class.getName());

    private SparkTrainer() {
    }

    public static TrainingResult train(JavaSparkContext sc, Model model, LabeledImages train,
                                       ChannelNormalization normalization, TrainingOptions options,
                                       StepListener listener) {
        return train(sc, model, train, normalization, options, listener, null, null);
    }

    /**
     * Trains with checkpoints, optionally resuming.
     *
     * @param checkpoints where and how often to checkpoint, or null for none
     * @param resumeFrom  the state of the checkpoint the model was restored from, or null for a fresh start
     */
    public static TrainingResult train(JavaSparkContext sc, Model model, LabeledImages train,
                                       ChannelNormalization normalization, TrainingOptions options,
                                       StepListener listener, CheckpointPlan checkpoints, TrainingState resumeFrom) {
        Network network = Network.of(model);
        List<LabeledImages> shards = Sharding.split(train, options.workers(), options.seed());
        int stepsPerEpoch = Sharding.stepsPerEpoch(shards, options.globalBatch());
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        if (options.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, options.maxSteps());
        }
        // The shards travel once per executor as a broadcast and are cached there: a task then carries only its
        // rank, not its shard (which would be serialized into every task of every epoch).
        Broadcast<LabeledImages[]> shardBroadcast = sc.broadcast(shards.toArray(LabeledImages[]::new));
        List<Integer> ranks = java.util.stream.IntStream.range(0, options.workers()).boxed().toList();
        JavaRDD<LabeledImages> data = sc.parallelize(ranks, options.workers())
                .map(rank -> shardBroadcast.value()[rank])
                .cache();

        TrainingState start = resumeFrom != null ? resumeFrom : new TrainingState(0, options.seed(),
                checkpoints == null ? null : checkpoints.configFingerprint(), 0, 0, 0);
        DriverLoop loop = new DriverLoop(new DriverStep(network, options.syncMode(), options.clipping(),
                options.schedule(), options.guard()), start, totalSteps, stepsPerEpoch, listener, checkpoints);
        Coordinator coordinator = new Coordinator(options.workers(), start.nextStep(), options.roundTimeout(), loop);
        EndpointAddress address = SparkRpc.register("lockstep-coordinator", coordinator);
        long started = System.nanoTime();
        int epochsRun = 0;
        try {
            int launch = 0;
            for (int epoch = (int) (start.nextStep() / stepsPerEpoch); epoch < options.epochs(); epoch++) {
                long epochFirst = (long) epoch * stepsPerEpoch;
                long end = Math.min(epochFirst + stepsPerEpoch, totalSteps);
                if (epochFirst >= end) {
                    break;
                }
                ModelSnapshot configuration = ModelSnapshot.of(model);
                for (int relaunch = 0; loop.nextStep < end; relaunch++) {
                    coordinator.beginAttempt(++launch * ATTEMPTS_PER_LAUNCH);
                    WorkerPlan plan = new WorkerPlan(address, launch, options.workers(), options.globalBatch(),
                            options.seed(), epoch, epochFirst, end, options.syncMode(), threadsPerTask(sc, options),
                            options.roundTimeout(), configuration, network.featureShape(), normalization);
                    try {
                        data.rdd().barrier()
                                .mapPartitions(new BarrierWorker(plan), false, ClassTag$.MODULE$.apply(Object.class))
                                .count();
                    } catch (Exception e) { // SparkException, which Scala throws without declaring it
                        if (loop.fatal != null) {
                            throw loop.fatal;
                        }
                        if (!(e instanceof SparkException) || relaunch >= MAX_RELAUNCHES_PER_SEGMENT) {
                            throw new IllegalStateException("epoch " + epoch + ": the workers' stage failed at step "
                                    + loop.nextStep + " (" + (relaunch + 1) + " launches): " + e.getMessage(), e);
                        }
                        LOG.log(System.Logger.Level.WARNING, "epoch " + epoch + ": the workers' stage failed at step "
                                + loop.nextStep + "; launching it again from the driver's state (" + e.getMessage() + ")");
                    }
                    if (loop.stopped) {
                        break;
                    }
                }
                network.setEpochCount(epoch + 1);
                epochsRun = epoch + 1;
                if (listener != null) {
                    listener.onEpochEnd(epoch);
                }
            }
        } finally {
            SparkRpc.stop(address);
            coordinator.close();
            data.unpersist(false);
            shardBroadcast.destroy();
        }
        loop.checkpointAtEnd();
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingResult(model, loop.steps, epochsRun, loop.lastLoss, loop.skipped, loop.clipped,
                loop.examples - start.examples(), seconds);
    }

    /** ND4J threads per task: as configured, else the driver JVM's cores shared by the local tasks, else 1. */
    private static int threadsPerTask(JavaSparkContext sc, TrainingOptions options) {
        if (options.threadsPerTask() > 0) {
            return options.threadsPerTask();
        }
        if (sc.master().startsWith("local")) {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / options.workers());
        }
        return Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
    }

    /** The driver's side of every step: aggregate, apply, report, reply. Runs on the coordinator's thread. */
    private static final class DriverLoop implements StepHandler {
        private final DriverStep driver;
        private final long totalSteps;
        private final int stepsPerEpoch;
        private final StepListener listener;
        private final CheckpointPlan checkpoints;
        private final long seed;
        private long lastReply = System.nanoTime();
        private long nextStep;
        private long steps;
        private long skipped;
        private long clipped;
        private long examples;
        private double lastLoss = Double.NaN;
        /** The reply to the last step told the workers to stop. */
        private boolean stopped;
        /** An error of the driver's own step (for example a non-finite step under the fail policy): not retried. */
        private RuntimeException fatal;

        DriverLoop(DriverStep driver, TrainingState start, long totalSteps, int stepsPerEpoch, StepListener listener,
                   CheckpointPlan checkpoints) {
            this.driver = driver;
            this.nextStep = start.nextStep();
            this.seed = start.seed();
            this.skipped = start.skippedSteps();
            this.clipped = start.clippedSteps();
            this.examples = start.examples();
            this.checkpoints = checkpoints;
            this.totalSteps = totalSteps;
            this.stepsPerEpoch = stepsPerEpoch;
            this.listener = listener;
        }

        @Override
        public Serializable joinState() {
            return new JoinState(nextStep, FlatVector.of(driver.network().params()));
        }

        @Override
        public Serializable onStep(long step, List<Serializable> contributionsByRank) {
            long begin = System.nanoTime();
            List<WorkerContribution> contributions = new ArrayList<>(contributionsByRank.size());
            for (Serializable contribution : contributionsByRank) {
                contributions.add((WorkerContribution) contribution);
            }
            StepOutcome outcome;
            try {
                outcome = driver.apply(StepAggregate.of(contributions));
            } catch (RuntimeException e) {
                fatal = e;
                throw e;
            }
            nextStep = step + 1;
            steps++;
            examples += outcome.examples();
            if (outcome.skipped()) {
                skipped++;
            } else {
                lastLoss = outcome.loss();
            }
            if (outcome.clipped()) {
                clipped++;
            }
            stopped = step + 1 >= totalSteps;
            StepReply reply = new StepReply(FlatVector.of(driver.network().params()), stopped);
            long now = System.nanoTime();
            if (listener != null) {
                listener.onStep(outcome, (int) (step / stepsPerEpoch), (now - lastReply) / 1e6, (now - begin) / 1e6);
            }
            lastReply = now;
            checkpointIfPeriodic();
            return reply;
        }

        /** After a step: a checkpoint every {@code everySteps} steps. */
        private void checkpointIfPeriodic() {
            if (checkpoints != null && periodicCheckpointAt(nextStep)) {
                saveCheckpoint();
            }
        }

        /** At the end of training: a checkpoint unless the last step already wrote one. */
        void checkpointAtEnd() {
            if (checkpoints != null && steps > 0 && !periodicCheckpointAt(nextStep)) {
                saveCheckpoint();
            }
        }

        private boolean periodicCheckpointAt(long step) {
            return checkpoints.everySteps() > 0 && step % checkpoints.everySteps() == 0;
        }

        private void saveCheckpoint() {
            try {
                checkpoints.store().save(driver.network().model(), new TrainingState(nextStep, seed,
                        checkpoints.configFingerprint(), skipped, clipped, examples));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("checkpoint at step " + nextStep + " failed: " + e.getMessage(), e);
            }
        }
    }
}
