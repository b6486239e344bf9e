package io.lockstep.spark.train;

import io.lockstep.checkpoint.TrainingState;
import io.lockstep.model.ModelSnapshot;
import io.lockstep.model.Network;
import io.lockstep.spark.coordinator.Coordinator;
import io.lockstep.spark.rpc.EndpointAddress;
import io.lockstep.spark.rpc.SparkRpc;
import io.lockstep.step.DriverStep;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import scala.reflect.ClassTag$;

/**
 * {@link SparkTrainer}'s synchronous training for data that is already sharded into {@link WorkerShards} of any
 * kind, in particular an {@code RDD<DataSet>} of arbitrary float features ({@link DataSetSharding}): the second
 * data path next to SparkTrainer's 8-bit images. Same driver loop, same coordinator, same barrier workers, same
 * data order (a worker visits its shard in the order seeded by (seed, epoch, rank)), same checkpoints and relaunch
 * of a failed segment; so the same examples give the same parameters on either path.
 */
public final class ShardTrainer {
    /** Stage attempt numbers per launch: attempt = launch * this + Spark's stage attempt number. */
    static final int ATTEMPTS_PER_LAUNCH = 1000;
    /** How many times a segment whose stage failed (a lost task or executor) is launched again. */
    static final int MAX_RELAUNCHES_PER_SEGMENT = 3;
    private static final System.Logger LOG = System.getLogger(ShardTrainer.class.getName());

    private ShardTrainer() {
    }

    /** Shards {@code data} over {@code options.workers()} workers, trains, and releases the shards. */
    public static TrainingResult train(JavaSparkContext sc, Model model, JavaRDD<DataSet> data,
                                       TrainingOptions options, StepListener listener) {
        try (WorkerShards<ExampleShard> shards = DataSetSharding.shard(data, options.workers(), options.seed())) {
            return train(sc, model, shards, options, listener, null, null);
        }
    }

    /**
     * Trains on shards made for {@code options.workers()} workers with {@code options.seed()}, optionally with
     * checkpoints and from a resumed state. Epoch e runs steps {@code e * S .. (e + 1) * S - 1} (S steps per
     * epoch), so a state whose next step is {@code e * S} with {@code options.epochs() = e + 1} trains epoch e alone.
     *
     * @param checkpoints where and how often to checkpoint, or null for none
     * @param resumeFrom  where training stands (next step, counters), or null for a fresh start
     */
    public static TrainingResult train(JavaSparkContext sc, Model model, WorkerShards<?> shards, TrainingOptions options,
                                       StepListener listener, CheckpointPlan checkpoints, TrainingState resumeFrom) {
        if (shards.workers() != options.workers()) {
            throw new IllegalArgumentException("shards for " + shards.workers() + " workers, options for "
                    + options.workers());
        }
        Network network = Network.of(model);
        int stepsPerEpoch = shards.stepsPerEpoch(options.globalBatch());
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        if (options.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, options.maxSteps());
        }
        TrainingState start = resumeFrom != null ? resumeFrom : new TrainingState(0, options.seed(),
                checkpoints == null ? null : checkpoints.configFingerprint(), 0, 0, 0);
        StepLoop loop = new StepLoop(new DriverStep(network, options.syncMode(), options.clipping(),
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
                    ShardWorkerPlan plan = new ShardWorkerPlan(address, launch, options.workers(),
                            options.globalBatch(), options.seed(), epoch, epochFirst, end, options.syncMode(),
                            threadsPerTask(sc, options), options.roundTimeout(), configuration);
                    try {
                        asShards(shards).barrier()
                                .mapPartitions(new ShardWorker(plan), false, ClassTag$.MODULE$.apply(Object.class))
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
                if (loop.nextStep < end) {
                    break; // the listener stopped training within the epoch
                }
                network.setEpochCount(epoch + 1);
                epochsRun++;
                if (listener != null) {
                    listener.onEpochEnd(epoch);
                }
                if (loop.stopped) {
                    break;
                }
            }
        } finally {
            SparkRpc.stop(address);
            coordinator.close();
        }
        loop.checkpointAtEnd();
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingResult(model, loop.steps, epochsRun, loop.lastLoss, loop.skipped, loop.clipped,
                loop.examples - start.examples(), seconds);
    }

    /** The shards' RDD as the workers see it: shards, whatever their kind. */
    @SuppressWarnings("unchecked")
    private static RDD<WorkerShard> asShards(WorkerShards<?> shards) {
        return (RDD<WorkerShard>) (RDD<?>) shards.partitions().rdd();
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
}
