package io.lockstep.bench;

import io.lockstep.collective.InProcessCollectiveGroup;
import io.lockstep.data.ChannelNormalization;
import io.lockstep.data.LabeledImages;
import io.lockstep.model.Network;
import io.lockstep.nn.SyncMode;
import io.lockstep.runner.WorkerReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A worker's compute per step, without Spark: {@link WorkerReplica#computeStep} (forward, backward, the gradient
 * copy; oneDNN's kernels where the replica installs them) on a local batch, with its SyncBN layers on a collective
 * of one rank (its all-reduces return at once), with ND4J's threads as a Lockstep worker sets them. Each batch is
 * built before its clock starts.
 */
final class ComputeCost {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private ComputeCost() {
    }

    /** The images a network trains on, and their normalization (null: pixels / 255). */
    record Images(LabeledImages images, ChannelNormalization normalization) {
    }

    /**
     * One worker alone, on this thread: per-step times of {@code steps} steps after {@code warmup}, with ND4J's
     * threads set as a Lockstep worker sets them.
     */
    static Summary alone(Supplier<Model> model, Images images, int localBatch, int threads, int warmup, int steps)
            throws Exception {
        Nd4jThreads.useAsBarrierWorker(threads);
        return Summary.ofNanos(run(model.get(), images, localBatch, warmup, steps, 0, null));
    }

    /**
     * {@code workers} workers at once, one thread each, each with its own replica and one-rank collective, starting
     * every step together (as Lockstep's workers do): per-step times over all of them.
     */
    static Summary together(Supplier<Model> model, Images images, int localBatch, int workers, int warmup, int steps)
            throws Exception {
        CyclicBarrier stepStart = new CyclicBarrier(workers);
        List<Model> models = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            models.add(model.get());
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<long[]>> times = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Model replica = models.get(w);
                int offset = w * localBatch;
                times.add(pool.submit(() -> {
                    Nd4jThreads.useAsBarrierWorker(1);
                    return run(replica, images, localBatch, warmup, steps, offset, stepStart);
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<long[]> t : times) {
                for (long nanos : t.get()) {
                    all.add(nanos);
                }
            }
            return Summary.ofNanos(all.stream().mapToLong(Long::longValue).toArray());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long[] run(Model model, Images images, int localBatch, int warmup, int steps, int offset,
                              CyclicBarrier stepStart) throws Exception {
        Network network = Network.of(model);
        InProcessCollectiveGroup alone = new InProcessCollectiveGroup(1, TIMEOUT);
        WorkerReplica replica = new WorkerReplica(network, SyncMode.EXACT, alone.member(0));
        LabeledImages data = images.images();
        long[] nanos = new long[steps];
        for (int i = -warmup; i < steps; i++) {
            int step = i + warmup;
            int[] indices = new int[localBatch];
            for (int e = 0; e < localBatch; e++) {
                indices[e] = (offset + step * localBatch + e) % data.count();
            }
            DataSet batch = data.toDataSet(indices, network.featureShape(), DataType.FLOAT, images.normalization());
            if (stepStart != null) {
                stepStart.await();
            }
            long start = System.nanoTime();
            replica.computeStep(step, batch);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        return nanos;
    }
}
