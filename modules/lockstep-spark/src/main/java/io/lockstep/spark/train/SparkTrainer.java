package io.lockstep.spark.train;

import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.model.ModelSnapshot;
import io.lockstep.model.Network;
import io.lockstep.spark.coordinator.Coordinator;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
    private SparkTrainer() {
    }

    public static TrainingResult train(JavaSparkContext sc, Model model, LabeledImages train,
                                       ChannelNormalization normalization, TrainingOptions options,
                                       StepListener listener) {
        Network network = Network.of(model);
        List<LabeledImages> shards = Sharding.split(train, options.workers(), options.seed());
        int stepsPerEpoch = Sharding.stepsPerEpoch(shards, options.globalBatch());
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        if (options.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, options.maxSteps());
        }
        JavaRDD<LabeledImages> data = sc.parallelize(shards, options.workers()).cache();

        DriverLoop loop = new DriverLoop(new DriverStep(network, options.syncMode(), options.clipping(),
                options.schedule()), totalSteps, stepsPerEpoch, listener);
        Coordinator coordinator = new Coordinator(options.workers(), network.iterationCount(), options.roundTimeout(),
                loop::onStep);
        EndpointAddress address = SparkRpc.register("lockstep-coordinator", coordinator);
        long started = System.nanoTime();
        int epochsRun = 0;
        try {
            int attempt = 0;
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                long epochFirst = (long) epoch * stepsPerEpoch;
                long end = Math.min(epochFirst + stepsPerEpoch, totalSteps);
                if (epochFirst >= end) {
                    break;
                }
                coordinator.beginAttempt(++attempt);
                WorkerPlan plan = new WorkerPlan(address, attempt, options.workers(), options.globalBatch(),
                        options.seed(), epoch, epochFirst, epochFirst, end, options.syncMode(),
                        threadsPerTask(sc, options), options.roundTimeout(), ModelSnapshot.of(model),
                        network.featureShape(), normalization);
                data.rdd().barrier()
                        .mapPartitions(new BarrierWorker(plan), false, ClassTag$.MODULE$.apply(Object.class))
                        .count();
                network.setEpochCount(epoch + 1);
                epochsRun = epoch + 1;
            }
        } finally {
            SparkRpc.stop(address);
            coordinator.close();
            data.unpersist(false);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingResult(model, loop.steps, epochsRun, loop.lastLoss, loop.skipped, loop.clipped,
                loop.examples, seconds);
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
    private static final class DriverLoop {
        private final DriverStep driver;
        private final long totalSteps;
        private final int stepsPerEpoch;
        private final StepListener listener;
        private long lastReply = System.nanoTime();
        private long steps;
        private long skipped;
        private long clipped;
        private long examples;
        private double lastLoss = Double.NaN;

        DriverLoop(DriverStep driver, long totalSteps, int stepsPerEpoch, StepListener listener) {
            this.driver = driver;
            this.totalSteps = totalSteps;
            this.stepsPerEpoch = stepsPerEpoch;
            this.listener = listener;
        }

        Serializable onStep(long step, List<Serializable> contributionsByRank) {
            long begin = System.nanoTime();
            List<WorkerContribution> contributions = new ArrayList<>(contributionsByRank.size());
            for (Serializable contribution : contributionsByRank) {
                contributions.add((WorkerContribution) contribution);
            }
            StepOutcome outcome = driver.apply(StepAggregate.of(contributions));
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
            StepReply reply = new StepReply(FlatVector.of(driver.network().params()), step + 1 >= totalSteps);
            long now = System.nanoTime();
            if (listener != null) {
                listener.onStep(outcome, (int) (step / stepsPerEpoch), (now - lastReply) / 1e6, (now - begin) / 1e6);
            }
            lastReply = now;
            return reply;
        }
    }
}
